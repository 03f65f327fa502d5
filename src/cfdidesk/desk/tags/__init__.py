"""Tags on tickets: made on the fly from the ticket page, the API and macros; administrators
rename, merge and delete them."""
