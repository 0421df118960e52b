#include "engine/core/conninfo.hpp"

#include <algorithm>
#include <cctype>

#include "engine/core/error.hpp"

namespace buurt {

namespace {

std::string without_prefix(const std::string& source) { return is_pg_source(source) ? source.substr(3) : source; }

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

} // namespace

bool is_pg_source(const std::string& source) {
    return source.size() >= 3 && (source[0] == 'P' || source[0] == 'p') && (source[1] == 'G' || source[1] == 'g') && source[2] == ':';
}

// The grammar of libpq's conninfo_parse: keyword, optional blanks, '=', optional blanks, then a bare
// word or a single-quoted value in which a backslash escapes the next character.
std::vector<std::pair<std::string, std::string>> parse_conninfo(const std::string& source) {
    const std::string s = without_prefix(source);
    std::vector<std::pair<std::string, std::string>> out;
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (true) {
        while (i < n && is_space(s[i])) {
            ++i;
        }
        if (i >= n) {
            break;
        }
        std::string key;
        while (i < n && s[i] != '=' && !is_space(s[i])) {
            key += s[i++];
        }
        while (i < n && is_space(s[i])) {
            ++i;
        }
        if (i >= n || s[i] != '=') {
            throw config_error("connection string: '" + key + "' is not keyword=value (e.g. PG:host=localhost dbname=gis)");
        }
        ++i;
        while (i < n && is_space(s[i])) {
            ++i;
        }
        std::string value;
        if (i < n && s[i] == '\'') {
            ++i;
            bool closed = false;
            while (i < n) {
                if (s[i] == '\\' && i + 1 < n) {
                    value += s[i + 1];
                    i += 2;
                } else if (s[i] == '\'') {
                    ++i;
                    closed = true;
                    break;
                } else {
                    value += s[i++];
                }
            }
            if (!closed) {
                throw config_error("connection string: the quoted value of '" + key + "' has no closing quote");
            }
        } else {
            while (i < n && !is_space(s[i])) {
                if (s[i] == '\\' && i + 1 < n) {
                    ++i;
                }
                value += s[i++];
            }
        }
        out.emplace_back(std::move(key), std::move(value));
    }
    return out;
}

std::optional<std::string> conninfo_value(const std::string& source, const std::string& key) {
    std::optional<std::string> found;
    for (const auto& [k, v] : parse_conninfo(source)) {
        if (k == key) {
            found = v;  // libpq: the last one wins
        }
    }
    return found;
}

std::string make_conninfo(const std::vector<std::pair<std::string, std::string>>& pairs, const std::vector<std::string>& exclude) {
    std::string out;
    for (const auto& [k, v] : pairs) {
        if (std::find(exclude.begin(), exclude.end(), k) != exclude.end()) {
            continue;
        }
        const bool plain = !v.empty() && std::none_of(v.begin(), v.end(), [](char c) { return is_space(c) || c == '\'' || c == '\\'; });
        std::string value = plain ? v : "'";
        if (!plain) {
            for (const char c : v) {
                if (c == '\'' || c == '\\') {
                    value += '\\';
                }
                value += c;
            }
            value += '\'';
        }
        out += (out.empty() ? "" : " ") + k + "=" + value;
    }
    return out;
}

std::string display_source(const std::string& source) {
    if (!is_pg_source(source)) {
        return source;
    }
    try {
        return "PG:" + make_conninfo(parse_conninfo(source), {"password"});
    } catch (const config_error&) {
        // Unparseable: better to show nothing of it than a password.
        return "PG:(connection string that cannot be parsed)";
    }
}

} // namespace buurt
