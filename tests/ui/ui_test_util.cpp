#include "ui_test_util.h"

#include <QWidget>
#include <QtTest/QtTest>

namespace tbtest {

void screenshot(QWidget &w, const QString &name)
{
    const QString shots = qEnvironmentVariable("TB_SCREENSHOT_DIR");
    if (shots.isEmpty())
        return;
    w.show();
    QTest::qWait(200);
    const QString lang = qEnvironmentVariableIsSet("TB_LANG") ? "_" + qEnvironmentVariable("TB_LANG") : QString();
    QVERIFY(w.grab().save(shots + "/" + name + lang + ".png"));
}

} // namespace tbtest
