"""`perfdsl review`: the batch review report of a 财政局's performance office, built on the database of
`perfdsl query` (findings are SQL over its tables), with the reviewers' 审核意见 read from `.review` files
beside the specs (`opinions`)."""
