#pragma once
// Helpers that several UI tests use, defined once: the test files of an area compile
// together in unity batches, so two files may not each define their own.
#include <QString>

class QWidget;

namespace tbtest {

// Saves a picture of `w` as $TB_SCREENSHOT_DIR/NAME[_$TB_LANG].png when TB_SCREENSHOT_DIR is
// set (bench/gui/run.sh and docs/screenshots); does nothing otherwise.
void screenshot(QWidget &w, const QString &name);

} // namespace tbtest
