#pragma once

namespace tb {

// An English text a person reads in the UI, with the Qt translation context it belongs to.
// The engine has no Qt, so it cannot translate: it hands the UI both, and the UI calls
// QCoreApplication::translate(context, text) (ui/common/engine_text.h).
struct TranslatableText {
    const char *context = "";
    const char *text = "";
};

} // namespace tb

// Marks a text for translation without translating it. lupdate reads TB_TR_NOOP exactly as
// QT_TRANSLATE_NOOP (`-tr-function-alias QT_TRANSLATE_NOOP+=TB_TR_NOOP` in ui/shell's
// update_translations and in tests/translations/check_translations.cmake, which scan engine/
// too), so each marked text is in translations/*.ts and ui.translations fails while one has
// no translation. Both arguments must be string literals for lupdate to see them.
#define TB_TR_NOOP(context, text) ::tb::TranslatableText{context, text}
