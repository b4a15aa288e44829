// Package grammar turns the Chinese SMS that growers and buyers send into
// exact listings and commands, and writes the Chinese replies.
//
// A text goes through one pipeline, each step in its own file:
//
//  1. junk.go: charset accidents (GBK read as Latin-1, UTF-8 read as GBK)
//     are caught on the raw bytes before anything else.
//  2. normalize.go: full-width digits and letters become ASCII, Chinese
//     punctuation becomes a few ASCII separators, traditional characters
//     become simplified (from OpenCC's tables), emoji and control
//     characters go.
//  3. translit.go: runs of pinyin ("qiugou xiangzhang") are replaced by the
//     dictionary words they spell.
//  4. lexer.go: the text is cut into tokens: dictionary words by longest
//     match, numbers (numerals.go: 三百, 一万二, 1.5万, 五六, 壹佰), phone
//     numbers, separators. Where no word matches, fuzzy.go looks for a
//     lexicon word that sounds the same (紫微 → 紫薇, 香章 → 香樟), using
//     go-pinyin's readings and a Sichuan-loose comparison.
//  5. items.go, numbers.go, spec.go, price.go, location.go, side.go: one
//     walk over the tokens builds the items (a new size or a new plant
//     starts a new item; a basis such as 胸径 carries over), reads each
//     number by its unit and the words around it, and collects the place,
//     contact, validity, urgency and side words.
//  6. commands.go (with stop.go and register.go) and junk.go decide what
//     the text is: a command (cancel, query, help, accept, decline, order,
//     join, register, unsubscribe, subscribe), a listing when it names a
//     side and a plant, or junk with its reason.
//
// Places outside 温江 come from the national table of provinces, cities
// and county-level divisions in package divisions (embedded data, 2023
// codes); places.go decides which of their names count alone.
//
// Where the corpus schema is silent the grammar reads a text as a clerk
// would; testdata/SCHEMA.md lists those rules and testdata/round2.jsonl
// has texts for each. Numbers saturate at MaxNumber.
//
// The vocabulary is data: New compiles a Grammar from a LexiconData value
// (the corpus lexicon.json plus supplement.json, both embedded; clerks may
// add species, aliases, villages and places without a release). The
// grammar's own small words (side words, units, price words) live in
// vocab.go. A Grammar is immutable and safe for concurrent use; Parse does
// no I/O, never panics and always returns one Result, whose JSON is exactly
// the corpus schema (testdata/SCHEMA.md).
//
// reply.go writes receipts, help and junk replies that fit one SMS of 70
// UCS-2 units including the carrier signature wherever the content allows,
// and never more than two (134).
package grammar
