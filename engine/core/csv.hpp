#pragma once

#include <string>

namespace buurt {

// One CSV text cell: quoted when needed, and text that a spreadsheet would run as a formula
// (=, +, -, @, tab, carriage return first) is prefixed with a single quote so it stays text.
std::string csv_text(const std::string& value);

} // namespace buurt
