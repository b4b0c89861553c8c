#pragma once

#include <string>
#include <vector>

namespace tb {

// Where this program's own files are, found from the executable's location so that the .deb
// (/usr/bin + /usr/share), the portable .tar.gz (anywhere), the Windows installer
// (<dir>\bin + <dir>\share) and the macOS bundle (Contents/MacOS + Contents/Resources) all work.

// The absolute path of the running executable ("" if the system does not say).
std::string executablePath();

// The places sampleDirectory() looks, in order: $TUNEBENCH_SAMPLE_DIR, then
// <exe dir>/../share/tunebench/sample, <exe dir>/../Resources/sample (macOS bundle), and last
// the source tree's resources/sample (running from a build directory).
std::vector<std::string> sampleDirectoryCandidates();

// The bundled sample project's folder (it holds chat.toml, intents.toml and their data), or ""
// when none of the candidates has it.
std::string sampleDirectory();

} // namespace tb
