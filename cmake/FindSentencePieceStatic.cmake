# Finds the static, hidden-visibility SentencePiece that scripts/setup.sh builds.
# Debian's shared libsentencepiece exports a private protobuf-lite that clashes with
# LibTorch's protobuf at start-up (a crash before main()), so it must not be used.
find_path(SentencePiece_INCLUDE_DIR sentencepiece_processor.h
  HINTS ${SentencePiece_ROOT}/include NO_DEFAULT_PATH)
find_library(SentencePiece_LIBRARY libsentencepiece.a HINTS ${SentencePiece_ROOT}/lib NO_DEFAULT_PATH)
find_library(SentencePiece_TRAIN_LIBRARY libsentencepiece_train.a HINTS ${SentencePiece_ROOT}/lib NO_DEFAULT_PATH)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(SentencePieceStatic
  REQUIRED_VARS SentencePiece_INCLUDE_DIR SentencePiece_LIBRARY SentencePiece_TRAIN_LIBRARY)
if(SentencePieceStatic_FOUND AND NOT TARGET SentencePiece::static)
  add_library(SentencePiece::static INTERFACE IMPORTED)
  set_target_properties(SentencePiece::static PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${SentencePiece_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${SentencePiece_TRAIN_LIBRARY};${SentencePiece_LIBRARY};Threads::Threads"
    INTERFACE_LINK_OPTIONS "-Wl,--exclude-libs,libsentencepiece.a:libsentencepiece_train.a")
  find_package(Threads REQUIRED)
endif()
