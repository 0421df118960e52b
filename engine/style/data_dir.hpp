#pragma once
// Where styles/ and layers/ are found: one rule for every command that styles something (run writes
// the QGIS styles, print draws the maps), so paper and QGIS always read the same definitions.

#include <string>

namespace buurt::style {

// `configured` when set (project key or flag), else $BUURTBALANS_DATA/`sub`, else the `sub` folder
// of the source tree the engine was built from.
std::string data_dir(const std::string& configured, const char* sub);

} // namespace buurt::style
