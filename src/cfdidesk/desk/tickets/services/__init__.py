"""Every write to tickets: opening and editing them (tickets), status moves (transitions), the
conversation (conversation), files (attachments) and numbers (numbering). Each function is one
transaction with its timeline entry."""
