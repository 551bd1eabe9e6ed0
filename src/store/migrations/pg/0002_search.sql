-- 0002_search.sql - full-text search on PostgreSQL.
--
-- The same tokens as SQLite's FTS5 index (store/tokens.c: Latin words and
-- digits as words, Chinese as overlapping bigrams with a colocated unigram
-- per character), computed in C when a complaint is written and stored as
-- a tsvector beside it; a search is a tsquery of phrases (<->) over those
-- tokens, so 1-, 2- and longer-character queries find exactly what they
-- find on SQLite. GIN finds the rows holding every token of the query, then
-- the positions decide the phrase. Written in the complaint's own
-- transaction: a search sees everything committed before it.
ALTER TABLE complaints ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector;
CREATE INDEX complaints_search ON complaints USING gin (search);
