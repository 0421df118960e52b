// Text helpers: strict UTF-8, Windows-1252 fallback, quoting for SQL and QGIS expressions.
#include <catch2/catch.hpp>

#include <string>

#include "engine/core/text.hpp"

using namespace buurt;

TEST_CASE("UTF-8 is strict and the first bad byte is located", "[core][text]") {
    CHECK(is_utf8("Geuzenveld, caf\xc3\xa9, \xe2\x82\xac, \xf0\x9f\x8c\xb3"));
    CHECK(utf8_error_offset("caf\xe9") == 3);            // Latin-1 é
    CHECK(utf8_error_offset("ab\xc0\xaf") == 2);         // overlong '/'
    CHECK(utf8_error_offset("x\xed\xa0\x80") == 1);      // a UTF-16 surrogate
    CHECK(utf8_error_offset("\xf4\x90\x80\x80") == 0);   // above U+10FFFF
    CHECK(utf8_error_offset("ok\xe2\x82") == 2);         // cut short
    // Windows-1252: 0x80 is the euro sign, 0xE9 é; the result is UTF-8.
    CHECK(windows1252_to_utf8("\x80 caf\xe9") == "\xe2\x82\xac caf\xc3\xa9");
    CHECK(utf8_text("caf\xe9") == "caf\xc3\xa9");
    CHECK(utf8_text("caf\xc3\xa9") == "caf\xc3\xa9");
}

TEST_CASE("quoted doubles the quote character inside", "[core][text]") {
    CHECK(enquote("'s-Gravenhage", '\'') == "'''s-Gravenhage'");
    CHECK(enquote("aantal \"zorg\"", '"') == "\"aantal \"\"zorg\"\"\"");
    CHECK(enquote("", '\'') == "''");
}
