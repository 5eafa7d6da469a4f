"""The development payment page: behaves like a hosted payment page (redirect, signed
return, server-to-server notification) so that purchases can be walked through without
a bank. Mounted only when `DEV_PAYMENT_ENABLED` (dev and test settings), like the
development identity provider; production settings never define it."""
