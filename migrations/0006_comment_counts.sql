-- 0006_comment_counts: an index for the counts and paragraph lists of comments.
--
-- The counts every consultation page shows (approved comments, paragraphs
-- commented, flagged ones) and a paragraph's comments: with only
-- comments_consultation, each read every comment row of the consultation
-- (10,000 rows at the budget's size, on every page view). This index
-- answers them from the index alone, and takes a paragraph's comments
-- straight to their rows.
CREATE INDEX comments_counts ON comments(consultation_id, state, paragraph, flagged);
