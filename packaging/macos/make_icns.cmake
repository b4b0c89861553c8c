# cmake -DOUT=tunebench.icns -DICONS=<dir with NxN/tunebench.png> -P make_icns.cmake
# Builds an .iconset from the rendered PNGs and packs it with Apple's iconutil.
set(set_dir "${OUT}.iconset")
file(REMOVE_RECURSE "${set_dir}")
file(MAKE_DIRECTORY "${set_dir}")
foreach(pair "16;16x16" "32;16x16@2x" "32;32x32" "64;32x32@2x" "128;128x128" "256;128x128@2x"
             "256;256x256" "512;256x256@2x" "512;512x512")
  list(GET pair 0 size)
  list(GET pair 1 name)
  file(COPY_FILE "${ICONS}/${size}x${size}/tunebench.png" "${set_dir}/icon_${name}.png")
endforeach()
execute_process(COMMAND iconutil -c icns -o "${OUT}" "${set_dir}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "iconutil failed (${rc}): it ships with Xcode's command-line tools")
endif()
