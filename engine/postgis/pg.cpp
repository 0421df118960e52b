#include "engine/postgis/pg.hpp"

#include <libpq-fe.h>

#include "engine/core/conninfo.hpp"
#include "engine/core/error.hpp"

namespace buurt::pg {

namespace {

std::string trimmed(const char* message) {
    std::string s = message != nullptr ? message : "";
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
        s.pop_back();
    }
    for (char& c : s) {
        if (c == '\n' || c == '\t') {
            c = ' ';
        }
    }
    return s;
}

} // namespace

void Result::Deleter::operator()(pg_result* r) const noexcept { PQclear(r); }
int Result::rows() const { return PQntuples(m_result.get()); }
bool Result::null(int row, int col) const { return PQgetisnull(m_result.get(), row, col) != 0; }
std::string Result::value(int row, int col) const { return null(row, col) ? std::string() : std::string(PQgetvalue(m_result.get(), row, col)); }
bool Result::ok() const {
    const ExecStatusType s = PQresultStatus(m_result.get());
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK || s == PGRES_COPY_IN;
}
std::string Result::error() const {
    return m_result == nullptr ? std::string("no result (out of memory or connection lost)") : trimmed(PQresultErrorMessage(m_result.get()));
}

void Connection::Deleter::operator()(pg_conn* c) const noexcept { PQfinish(c); }

Connection::Connection(const std::string& source) : m_shown(display_source(is_pg_source(source) ? source : "PG:" + source)) {
    auto pairs = parse_conninfo(source);
    // Named in pg_stat_activity, so a DBA (and the tests) can see what is writing; a user's own
    // application_name wins. No password prompt: a run is not interactive.
    if (!conninfo_value(source, "application_name")) {
        pairs.emplace_back("application_name", "buurtbalans");
    }
    if (!conninfo_value(source, "connect_timeout")) {
        pairs.emplace_back("connect_timeout", "10");
    }
    const std::string conninfo = make_conninfo(pairs);
    m_conn.reset(PQconnectdb(conninfo.c_str()));
    if (m_conn == nullptr) {
        throw output_error(m_shown + ": cannot connect: out of memory");
    }
    if (PQstatus(m_conn.get()) != CONNECTION_OK) {
        throw output_error(m_shown + ": cannot connect: " + trimmed(PQerrorMessage(m_conn.get())));
    }
    // libpq prints NOTICEs ("... does not exist, skipping") on stderr; they are not ours to show.
    exec("SET client_min_messages = warning", "setting up the session");
}

void Connection::fail(const std::string& what, const std::string& message) const {
    throw output_error(m_shown + ": " + what + " failed: " + message);
}

Result Connection::exec(const std::string& sql, const std::string& what) { return exec(sql, {}, what); }

Result Connection::exec(const std::string& sql, const std::vector<std::optional<std::string>>& params, const std::string& what) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params) {
        values.push_back(p ? p->c_str() : nullptr);
    }
    Result r(PQexecParams(m_conn.get(), sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(), nullptr, nullptr, 0));
    if (!r.ok()) {
        fail(what, r.error());
    }
    return r;
}

void Connection::copy_start(const std::string& copy_sql, const std::string& what) {
    m_copy_what = what;
    Result r(PQexec(m_conn.get(), copy_sql.c_str()));
    if (!r.ok()) {
        fail(what, r.error());
    }
}

void Connection::copy_data(const std::string& chunk) {
    if (PQputCopyData(m_conn.get(), chunk.data(), static_cast<int>(chunk.size())) != 1) {
        fail(m_copy_what, trimmed(PQerrorMessage(m_conn.get())));
    }
}

void Connection::copy_end() {
    if (PQputCopyEnd(m_conn.get(), nullptr) != 1) {
        fail(m_copy_what, trimmed(PQerrorMessage(m_conn.get())));
    }
    // The server reports a bad row only now, at the end of the COPY.
    for (pg_result* raw = PQgetResult(m_conn.get()); raw != nullptr; raw = PQgetResult(m_conn.get())) {
        const Result r(raw);
        if (!r.ok()) {
            fail(m_copy_what, r.error());
        }
    }
}

std::string Connection::identifier(const std::string& name) const {
    char* q = PQescapeIdentifier(m_conn.get(), name.c_str(), name.size());
    if (q == nullptr) {
        fail("quoting the name '" + name + "'", trimmed(PQerrorMessage(m_conn.get())));
    }
    std::string out(q);
    PQfreemem(q);
    return out;
}

std::string Connection::literal(const std::string& text) const {
    char* q = PQescapeLiteral(m_conn.get(), text.c_str(), text.size());
    if (q == nullptr) {
        fail("quoting a text", trimmed(PQerrorMessage(m_conn.get())));
    }
    std::string out(q);
    PQfreemem(q);
    return out;
}

std::string Connection::database() const { return PQdb(m_conn.get()); }

void append_copy_text(std::string& out, const std::string& value) {
    for (const char c : value) {
        switch (c) {
        case '\\': out += "\\\\"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        default: out += c;
        }
    }
}

} // namespace buurt::pg
