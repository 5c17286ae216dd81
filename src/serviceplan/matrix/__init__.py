"""Matrix: compiled plans side by side, a row per feature and a column per plan (Organization)
or per mailbox plan, for `serviceplan matrix`."""
