"""Everyone's notices: the list behind the bell in the header, and the public page a mail's
unsubscribe link opens."""
