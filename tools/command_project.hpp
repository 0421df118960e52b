#pragma once
// The options every command that reads a project shares: the project file and its settings as flags.

#include "engine/project/project.hpp"
#include "tools/command.hpp"

namespace buurt::cli {

inline constexpr const char* project_options_help = R"(
PROJECT is a TOML project file (see README). Every setting can also be given as a flag; flags add to
or replace the file's settings. A flag's value is a source followed by the TOML keys of its table:
  --area LEVEL=PATH,code=F[,name=F][,parent=F][,layer=L][,crs=C]
                        LEVEL: block, buurt, wijk, gebied or stadsdeel (repeatable)
  --streets PATH,name=F[,max_distance=30][,layer=L]
  --observations PATH[,id=F][,fields.theme=F][,fields.valence=F][,fields.source=F][,fields.round=F]
                 [,values.valence.kans=1][,defaults.source=bewoner][,crs=EPSG:4326][,x=lon,y=lat]
                        (repeatable)
  --indicators PATH,level=buurt,code=F[,population=F][,fields=a;b;c]   (repeatable)
  --crs CRS             project CRS (default EPSG:28992)
  --styles DIR          style definitions (default: the styles/ of this installation)
  --layers DIR          thematic layer definitions (default: the layers/ of this installation)
  --threads N           join threads (default: one per core)
  --publish             disclosure control on every output ([publish] enabled = true)
  --publish-threshold N counts from 1 to N-1 are never shown (default 5; at least 2)
  --publish-method M    suppress (hide small counts) or round (hide them, round the rest to multiples of N)
  --problem-indicator FIELD,worse=high|low[,threshold=N]
                        figures that point to a problem: beyond N, or without N the worst fifth of
                        the areas of its level ([knowledge] problem_indicators; repeatable)
  --rounds-min-total N  fewer observations in the two rounds compared: "te weinig om iets te zeggen"
                        ([knowledge] rounds_min_total, default 5)
  --json                print the report as JSON on standard output
  --quiet               no progress on the terminal
)";

// Registers the project flags on `o`, filling `s`.
void add_project_options(Options& o, FlagSettings& s);
// The project file is the single positional argument, if any.
Project project_from(FlagSettings& s, const std::vector<std::string>& positional);

} // namespace buurt::cli
