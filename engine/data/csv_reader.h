#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tb {

// One record of a CSV or TSV file, with the line it starts on (1-based). A quoted field may
// span lines, so the next record's line is not always this one's plus one.
struct CsvRecord {
    int64_t line = 0;
    std::vector<std::string> fields;
    std::string error; // non-empty: the record is malformed (what was expected, what was found)
};

// RFC 4180 reading: a field that starts with '"' is quoted, may contain the delimiter, line
// breaks and doubled quotes (""). Elsewhere quotes are plain characters. CRLF and LF both
// end a record; blank lines are skipped. The text must outlive the reader.
class CsvReader {
public:
    CsvReader(std::string_view text, char delimiter);
    // Reads the next non-blank record; false at the end of the text. A malformed record
    // comes back with `error` set and the reader resynchronises at the next line.
    bool next(CsvRecord &record);

private:
    std::string_view m_text;
    char m_delimiter;
    size_t m_pos = 0;
    int64_t m_line = 1;
};

} // namespace tb
