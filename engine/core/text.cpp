#include "engine/core/text.hpp"

#include <array>

namespace buurt {

// Strict UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF): what JSON writers and
// SQLite readers downstream accept.
std::size_t utf8_error_offset(const std::string& s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        unsigned min = 0;
        unsigned cp = 0;
        if ((c & 0xE0) == 0xC0) {
            len = 2, min = 0x80, cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3, min = 0x800, cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4, min = 0x10000, cp = c & 0x07;
        } else {
            return i;
        }
        if (i + len > n) {
            return i;
        }
        for (std::size_t k = 1; k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80) {
                return i;
            }
            cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return i;
        }
        i += len;
    }
    return std::string::npos;
}

bool is_utf8(const std::string& s) { return utf8_error_offset(s) == std::string::npos; }

// Text that is not UTF-8 is almost always Windows-1252 (Excel's "CSV" on Windows, old Shapefiles):
// Latin-1 plus the printable characters Microsoft put in 0x80-0x9F (the euro sign, curly quotes).
std::string windows1252_to_utf8(const std::string& s) {
    static constexpr std::array<unsigned, 32> c1{0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
                                                 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
                                                 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
    std::string out;
    out.reserve(s.size() + s.size() / 4);
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        const unsigned cp = c < 0x80 ? c : c < 0xA0 ? c1[c - 0x80] : c;
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    return out;
}

std::string utf8_text(const std::string& s) { return is_utf8(s) ? s : windows1252_to_utf8(s); }

std::string enquote(std::string_view s, char quote) {
    std::string out(1, quote);
    for (const char c : s) {
        out += c;
        if (c == quote) {
            out += quote;
        }
    }
    return out + quote;
}

} // namespace buurt
