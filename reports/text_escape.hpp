#pragma once
#include <string>

// Names and values come from user files (an architecture may be called
// "=HYPERLINK(...)" or "<script>"): these make them inert in the text formats
// mottsim writes. HTML has its own, html_escape (html_page.hpp).
namespace mottsim::reports {

// One CSV cell. Text a spreadsheet would run as a formula (beginning with =,
// +, -, @, a tab or a carriage return) gets a leading single quote, as OWASP
// advises against CSV injection; a cell with a comma, a quote, a line break or
// that quote is wrapped in double quotes, its quotes doubled. A number such as
// -1.5 or 1e-9 stays a number.
std::string csv_cell(const std::string& text);

// Text inside Markdown (a heading, a table cell): HTML's &, < and > as
// entities, so no tag (<script>) reaches a renderer; |, `, \, [ and ]
// backslash-escaped, so a table keeps its columns and no code span or link
// appears; line breaks and other control characters as spaces, so a row stays
// one line.
std::string markdown_text(const std::string& text);

// Where a report's text goes: summary.md and compare.md, or the terminal that
// `run` and `compare` print the same tables to.
enum class text_target { markdown, terminal };

// markdown_text for a Markdown file. For a terminal the text as written, with
// no escapes to read past, but line breaks and other control characters still
// as spaces: a row stays one line, and an escape sequence from a user's file
// cannot restyle or move the terminal.
std::string shown_text(const std::string& text, text_target target);

}  // namespace mottsim::reports
