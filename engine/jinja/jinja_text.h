#pragma once

#include <cstdint>
#include <string>
#include <vector>

// UTF-8 helpers of the Jinja interpreter: Jinja indexes and strips strings by character.
namespace tb::jinja::text {

// Code points of a UTF-8 string (invalid bytes become U+FFFD) and back.
std::vector<char32_t> decode(const std::string &utf8);
std::string encode(const std::vector<char32_t> &codePoints);
void append(std::string &out, char32_t cp);

// JavaScript's \s: ASCII whitespace and the Unicode spaces (what trim() strips).
bool isSpace(char32_t cp);
// Python's str.strip(): without `chars` (nullptr) whitespace, else any of `chars`.
std::string strip(const std::string &s, const std::string *chars, bool left, bool right);

// Unicode upper/lower case (one code point to one: 'ß' stays, as in JavaScript's per-letter map).
std::string toUpper(const std::string &s);
std::string toLower(const std::string &s);
// Upper-cases the first ASCII letter of each word (a run of [A-Za-z0-9_]), as the reference does.
std::string title(const std::string &s);

// Python's str.replace (count < 0: all) and str.split (sep nullptr: runs of whitespace).
std::string replace(const std::string &s, const std::string &from, const std::string &to, int64_t count);
std::vector<std::string> split(const std::string &s, const std::string *sep, int64_t maxSplit);

} // namespace tb::jinja::text
