#pragma once

#include <string>

namespace buurt {

// Hex SHA-256 of a file's bytes; "" when it is not a regular file (a database connection, say).
std::string sha256_file(const std::string& path);

} // namespace buurt
