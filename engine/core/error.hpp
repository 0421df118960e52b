#pragma once
// The engine's exceptions. Only tools/ turns them into exit codes.
// Bad data that can be repaired or skipped is not an exception: it goes into a report.

#include <stdexcept>
#include <string>

namespace buurt {

// Where in the inputs something was found; empty parts are left out of the message.
struct Location {
    std::string file;
    std::string layer;
    std::string feature;  // the feature's id as the user knows it (id field or FID)
    std::string field;

    std::string to_string() const;
};

class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The project file or a command-line setting is wrong.
class config_error : public error {
public:
    using error::error;
};

// An input dataset cannot be used as the project describes it.
class input_error : public error {
public:
    input_error(Location where, const std::string& what);
    const Location& where() const noexcept { return m_where; }

private:
    Location m_where;
};

// An output cannot be written (exists, no permission, disk full...).
class output_error : public error {
public:
    using error::error;
};

// A geometry library call failed where it must not.
class geometry_error : public error {
public:
    using error::error;
};

} // namespace buurt
