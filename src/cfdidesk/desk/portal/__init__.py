"""The customer portal: a contact opens and follows their own company's tickets."""
