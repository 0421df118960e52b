#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace buurt {

// Text from inputs: strict UTF-8 (what JSON and SQLite readers downstream accept), else read as
// Windows-1252, which is what text that is not UTF-8 almost always is (Excel's CSV, old Shapefiles).
bool is_utf8(const std::string& s);
std::size_t utf8_error_offset(const std::string& s);  // byte offset of the first bad sequence, or npos
std::string windows1252_to_utf8(const std::string& s);
std::string utf8_text(const std::string& s);  // s when it is UTF-8, else windows1252_to_utf8(s)

// s between `quote` characters, each quote inside doubled: SQL and QGIS expression literals ('...')
// and identifiers ("...") alike.
std::string enquote(std::string_view s, char quote);

} // namespace buurt
