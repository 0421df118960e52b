#include "engine/sqlite/sqlite.hpp"

#include <sqlite3.h>

#include "engine/core/error.hpp"

namespace buurt::sqlite {

void configure_process() {
    // SQLite counts every allocation under one global mutex, for sqlite3_memory_used() and the soft
    // heap limit, which neither we nor GDAL use: 9 % of a full run's CPU time was that mutex (perf).
    // After SQLite's first use the call is refused (SQLITE_MISUSE) and changes nothing.
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

Database::Database(const std::string& path) : m_path(path) {
    if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        const std::string message = m_db != nullptr ? sqlite3_errmsg(m_db) : "out of memory";
        sqlite3_close(m_db);
        m_db = nullptr;
        throw output_error("cannot open " + path + ": " + message);
    }
    // Shadow tables of a virtual table are writable only outside defensive mode, which a build of
    // SQLite may make the default.
    sqlite3_db_config(m_db, SQLITE_DBCONFIG_DEFENSIVE, 0, nullptr);
}

Database Database::borrow(sqlite3* handle, const std::string& path) {
    Database db;
    db.m_db = handle;
    db.m_path = path;
    db.m_owned = false;
    return db;
}

Database::~Database() {
    if (m_owned) {
        sqlite3_close(m_db);
    }
}

Database::Database(Database&& other) noexcept : m_db(other.m_db), m_path(std::move(other.m_path)), m_owned(other.m_owned) { other.m_db = nullptr; }

std::int64_t Database::last_insert_rowid() const noexcept { return sqlite3_last_insert_rowid(m_db); }

void Database::fail(const std::string& what) const { throw output_error(m_path + ": " + what + ": " + sqlite3_errmsg(m_db)); }

void Database::execute(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(m_db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        const std::string text = message != nullptr ? message : "unknown error";
        sqlite3_free(message);
        throw output_error(m_path + ": SQL failed: " + text);
    }
}

Statement::Statement(Database& db, const std::string& sql) : m_db(&db) {
    if (sqlite3_prepare_v2(db.get(), sql.c_str(), static_cast<int>(sql.size()), &m_stmt, nullptr) != SQLITE_OK) {
        db.fail("cannot prepare " + sql);
    }
}

Statement::~Statement() { sqlite3_finalize(m_stmt); }

Statement::Statement(Statement&& other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt) { other.m_stmt = nullptr; }

Statement& Statement::bound(int rc) {
    if (rc != SQLITE_OK) {
        m_db->fail("cannot bind a value");
    }
    return *this;
}

Statement& Statement::bind(int index, std::int64_t value) { return bound(sqlite3_bind_int64(m_stmt, index, value)); }

Statement& Statement::bind(int index, double value) { return bound(sqlite3_bind_double(m_stmt, index, value)); }

Statement& Statement::bind_null(int index) { return bound(sqlite3_bind_null(m_stmt, index)); }

Statement& Statement::bind(int index, const std::string& value) { return bound(sqlite3_bind_text(m_stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT)); }

Statement& Statement::bind_blob(int index, const void* data, int size) { return bound(sqlite3_bind_blob(m_stmt, index, data, size, SQLITE_TRANSIENT)); }

Statement& Statement::bind_unowned(int index, const std::string& value) { return bound(sqlite3_bind_text(m_stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC)); }

Statement& Statement::bind_unowned_blob(int index, const void* data, int size) { return bound(sqlite3_bind_blob(m_stmt, index, data, size, SQLITE_STATIC)); }

bool Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc != SQLITE_DONE) {
        m_db->fail("cannot run " + std::string(sqlite3_sql(m_stmt)));
    }
    return false;
}

void Statement::run() {
    step();
    sqlite3_reset(m_stmt);
}

std::int64_t Statement::column_int64(int index) const { return sqlite3_column_int64(m_stmt, index); }

} // namespace buurt::sqlite
