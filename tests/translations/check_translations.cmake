# ui.translations: the zh_CN translation is complete. lupdate re-reads ui/, app/ and the
# engine's TB_TR_NOOP texts (update_translations' arguments, LUPDATE_ARGS) into a copy of the
# committed .ts; a string the code has but the file lacks comes back as "unfinished", as does
# one left untranslated. Any such entry fails the test, named.
# Inputs: LUPDATE, LUPDATE_ARGS ("|"-separated), TS (the committed .ts), SOURCE_DIR, WORK_DIR.
file(MAKE_DIRECTORY "${WORK_DIR}")
get_filename_component(name "${TS}" NAME)
set(copy "${WORK_DIR}/${name}")
configure_file("${TS}" "${copy}" COPYONLY)
string(REPLACE "|" ";" lupdate_args "${LUPDATE_ARGS}")
if(NOT lupdate_args MATCHES "TB_TR_NOOP" OR NOT lupdate_args MATCHES "/engine")
  message(FATAL_ERROR "LUPDATE_ARGS must read engine/ with TB_TR_NOOP as QT_TRANSLATE_NOOP: ${LUPDATE_ARGS}")
endif()
execute_process(
  COMMAND "${LUPDATE}" ${lupdate_args} -ts "${copy}"
  WORKING_DIRECTORY "${SOURCE_DIR}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "lupdate failed (${rc}):\n${out}\n${err}")
endif()
file(READ "${copy}" text)
# Semicolons and brackets would split or glue CMake list items: hide them first.
string(REPLACE ";" "&#59;" text "${text}")
string(REPLACE "[" "&#91;" text "${text}")
string(REPLACE "]" "&#93;" text "${text}")
# Each <message> block on its own, then the unfinished ones with their source text.
string(REGEX MATCHALL "<message[^>]*>.*</message>" whole "${text}")
string(REPLACE "</message>" "</message>;" blocks "${whole}")
set(unfinished "")
foreach(block IN LISTS blocks)
  if(block MATCHES "type=\"unfinished\"")
    string(REGEX MATCH "<source>([^<]*)</source>" _ "${block}")
    list(APPEND unfinished "${CMAKE_MATCH_1}")
  endif()
endforeach()
list(LENGTH unfinished count)
string(REGEX MATCHALL "<message" all "${text}")
list(LENGTH all total)
if(count GREATER 0)
  list(JOIN unfinished "\n  " names)
  message(FATAL_ERROR "${count} of ${total} strings have no zh_CN translation (add them to "
                      "translations/zh_CN/*.json, run update_translations and fill_zh_CN.py):\n  ${names}")
endif()
if(total EQUAL 0)
  message(FATAL_ERROR "lupdate found no strings in ${SOURCE_DIR}/ui, app/ and engine/")
endif()
message(STATUS "zh_CN: all ${total} strings translated")
