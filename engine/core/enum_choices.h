#pragma once

#include "translatable.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tb {

// One value of an enum that config files, the command line and forms name: the value, its
// name in a file (never changes: run folders store it), and what a form shows.
template <typename E>
struct EnumChoice {
    E value;
    const char *name;
    TranslatableText label;
};

// Each such enum declares its one list next to itself, and a function that finds it by
// argument-dependent lookup:
//
//   inline constexpr EnumChoice<TextSplit> kTextSplitChoices[] = {{TextSplit::Paragraphs, "paragraphs", …}, …};
//   constexpr const auto &enumChoices(TextSplit) { return kTextSplitChoices; }
//
// The functions below turn values into names and back from that list alone.

template <typename E>
const char *enumName(E value)
{
    for (const EnumChoice<E> &c : enumChoices(E{}))
        if (c.value == value)
            return c.name;
    return "";
}

template <typename E>
std::optional<E> enumFromName(std::string_view name)
{
    for (const EnumChoice<E> &c : enumChoices(E{}))
        if (name == c.name)
            return c.value;
    return std::nullopt;
}

template <typename E>
std::vector<std::string> enumNames()
{
    std::vector<std::string> names;
    for (const EnumChoice<E> &c : enumChoices(E{}))
        names.emplace_back(c.name);
    return names;
}

// "constant, linear, cosine": the accepted names, for an error message.
template <typename E>
std::string enumNameList()
{
    std::string list;
    for (const EnumChoice<E> &c : enumChoices(E{}))
        list += (list.empty() ? "" : ", ") + std::string(c.name);
    return list;
}

} // namespace tb
