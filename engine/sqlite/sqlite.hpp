#pragma once
// The one wrapper of the SQLite C API, for what GDAL has no call for (the GeoPackage's packed spatial
// index). Move-only owners; every result code is checked and turns into buurt::output_error naming
// the file and SQLite's own message.

#include <cstdint>
#include <string>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;

namespace buurt::sqlite {

// Settings of the SQLite library for the whole process (GDAL's connections too); only takes effect
// before SQLite's first use.
void configure_process();

class Database {
public:
    // Opens an existing file for writing; never creates one.
    explicit Database(const std::string& path);
    // Another library's open connection (GDAL's to a GeoPackage it writes): used, never closed.
    static Database borrow(sqlite3* handle, const std::string& path);
    ~Database();
    Database(Database&& other) noexcept;
    Database& operator=(Database&&) = delete;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    void execute(const std::string& sql);
    std::int64_t last_insert_rowid() const noexcept;
    const std::string& path() const noexcept { return m_path; }
    sqlite3* get() const noexcept { return m_db; }
    [[noreturn]] void fail(const std::string& what) const;

private:
    Database() = default;
    sqlite3* m_db = nullptr;
    std::string m_path;
    bool m_owned = true;
};

class Statement {
public:
    Statement(Database& db, const std::string& sql);
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, double value);
    Statement& bind(int index, const std::string& value);         // copied by SQLite
    Statement& bind_null(int index);
    Statement& bind_blob(int index, const void* data, int size);  // copied by SQLite
    // Not copied: the caller keeps the bytes as they are until the statement has run.
    Statement& bind_unowned(int index, const std::string& value);
    Statement& bind_unowned_blob(int index, const void* data, int size);
    // Steps once: true while a row is there to read.
    bool step();
    // Runs a statement that returns no rows, then makes it ready to run again.
    void run();
    std::int64_t column_int64(int index) const;

private:
    Statement& bound(int rc);  // throws unless a bind_* call returned SQLITE_OK

    Database* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

} // namespace buurt::sqlite
