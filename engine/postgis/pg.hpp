#pragma once
// libpq, wrapped once: a connection and a result, each owned by one object (move-only). Every failure
// is an output_error naming the database without its password.

#include <memory>
#include <optional>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace buurt::pg {

class Result {
public:
    explicit Result(pg_result* r) noexcept : m_result(r) {}
    int rows() const;
    bool null(int row, int col) const;
    std::string value(int row, int col) const;  // "" for NULL
    // True when the statement succeeded (with or without rows, or a COPY waiting for data).
    bool ok() const;
    std::string error() const;  // the server's message (one line) when not ok()

private:
    struct Deleter {
        void operator()(pg_result* r) const noexcept;
    };
    std::unique_ptr<pg_result, Deleter> m_result;
};

class Connection {
public:
    // `source` is a GDAL connection string ("PG:host=... dbname=..."), the "PG:" is optional.
    explicit Connection(const std::string& source);

    // Runs one statement; throws output_error with the server's message and `what` it was doing.
    Result exec(const std::string& sql, const std::string& what);
    // The same with $1, $2... parameters sent as text (NULL: empty optional), never spliced into SQL.
    Result exec(const std::string& sql, const std::vector<std::optional<std::string>>& params, const std::string& what);

    // COPY ... FROM STDIN: start, send rows (COPY text format), finish.
    void copy_start(const std::string& copy_sql, const std::string& what);
    void copy_data(const std::string& chunk);
    void copy_end();

    std::string identifier(const std::string& name) const;  // "name" quoted as the server wants it
    std::string literal(const std::string& text) const;     // 'text' quoted, for statements without parameters (COMMENT)
    std::string database() const;                          // the database connected to
    const std::string& shown() const { return m_shown; }    // the connection as messages show it

private:
    [[noreturn]] void fail(const std::string& what, const std::string& message) const;
    struct Deleter {
        void operator()(pg_conn* c) const noexcept;
    };
    std::unique_ptr<pg_conn, Deleter> m_conn;
    std::string m_shown;
    std::string m_copy_what;
};

// A field of COPY's text format: backslash, tab, newline and carriage return escaped.
void append_copy_text(std::string& out, const std::string& value);

} // namespace buurt::pg
