#include "csv_reader.h"

namespace tb {

CsvReader::CsvReader(std::string_view text, char delimiter) : m_text(text), m_delimiter(delimiter)
{
    // A UTF-8 byte order mark (spreadsheet exports) would otherwise stick to the first header.
    if (m_text.substr(0, 3) == "\xEF\xBB\xBF")
        m_pos = 3;
}

bool CsvReader::next(CsvRecord &record)
{
    const size_t n = m_text.size();
    // Blank lines separate nothing in CSV; skipping them keeps "rows read" meaningful.
    while (m_pos < n && (m_text[m_pos] == '\n' || m_text[m_pos] == '\r')) {
        if (m_text[m_pos] == '\n')
            ++m_line;
        ++m_pos;
    }
    if (m_pos >= n)
        return false;

    record = CsvRecord();
    record.line = m_line;
    std::string field;
    bool fieldStart = true;
    bool quoted = false;  // inside a quoted field
    bool wasQuoted = false; // the current field was quoted and has been closed
    int64_t quoteLine = 0;
    const auto endField = [&] {
        record.fields.push_back(std::move(field));
        field.clear();
        fieldStart = true;
        wasQuoted = false;
    };
    const auto skipToLineEnd = [&] {
        while (m_pos < n && m_text[m_pos] != '\n')
            ++m_pos;
        if (m_pos < n) {
            ++m_pos;
            ++m_line;
        }
    };

    while (m_pos < n) {
        const char c = m_text[m_pos];
        if (quoted) {
            if (c == '"') {
                if (m_pos + 1 < n && m_text[m_pos + 1] == '"') {
                    field += '"';
                    m_pos += 2;
                    continue;
                }
                quoted = false;
                wasQuoted = true;
                ++m_pos;
                continue;
            }
            if (c == '\n')
                ++m_line;
            field += c;
            ++m_pos;
            continue;
        }
        if (c == '"' && fieldStart) {
            quoted = true;
            fieldStart = false;
            quoteLine = m_line;
            ++m_pos;
            continue;
        }
        if (c == m_delimiter) {
            endField();
            ++m_pos;
            continue;
        }
        if (c == '\r' && m_pos + 1 < n && m_text[m_pos + 1] == '\n') {
            ++m_pos;
            continue;
        }
        if (c == '\n') {
            ++m_pos;
            ++m_line;
            endField();
            return true;
        }
        if (wasQuoted) {
            record.error = std::string("expected a delimiter or the end of the line after a closing quote, found '")
                + c + "'";
            skipToLineEnd();
            return true;
        }
        fieldStart = false;
        field += c;
        ++m_pos;
    }
    if (quoted) {
        record.error = "the quoted field opened on line " + std::to_string(quoteLine)
            + " is never closed; expected a closing '\"' before the end of the file";
        return true;
    }
    endField();
    return true;
}

} // namespace tb
