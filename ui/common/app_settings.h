#pragma once

#include <QString>

// The user's settings (the Settings page), kept in QSettings under Tunebench/Tunebench. Plain
// functions: workers read them on their own threads (QSettings is reentrant), so a new job
// uses what the page last saved.
namespace AppSettings {

// "auto", "cpu", "cuda:N" or "mps" (engine/device.h names). Default: "auto".
QString device();
void setDevice(const QString &device);

// Compute threads for new work; 0 means one per core (the default).
int threads();
void setThreads(int threads);

// "" follows the system's language; otherwise "en" or "zh_CN". Applied at the next start.
QString language();
void setLanguage(const QString &language);

} // namespace AppSettings
