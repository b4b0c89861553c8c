#pragma once

#include <stdexcept>
#include <string>

namespace tb {

// Every engine failure a user can hit: the message names the file or tensor, what was
// expected and what was found, in one line.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string &message) : std::runtime_error(message) {}
};

} // namespace tb
