#pragma once

// QCustomPlot's header uses Qt's keyword macros (signals, slots, emit, foreach), which this
// project turns off with QT_NO_KEYWORDS so they cannot clash with LibTorch. Spell them out
// for that header alone. Include this, never <qcustomplot.h>, and never from a file that
// also includes LibTorch.
#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
