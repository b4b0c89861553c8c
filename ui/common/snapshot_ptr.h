#pragma once

#include <QMetaType>

#include <memory>

namespace tb {
struct ModelSnapshot;
}

// A loaded model with its tokenizer, immutable and shared: what the Model page's loader, a
// run in progress and the chat hand each other. The one engine object that crosses threads.
using SnapshotPtr = std::shared_ptr<const tb::ModelSnapshot>;
Q_DECLARE_METATYPE(SnapshotPtr)
