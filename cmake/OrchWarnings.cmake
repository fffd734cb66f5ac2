# orch_set_warnings(target): the warning policy every project target compiles with.
# -Wno-missing-field-initializers: g++ 12 warns on designated initializers that leave fields at
# their defaults ({.name = "q"}), which is exactly how option structs are meant to be used.
function(orch_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wold-style-cast
                                           -Wno-missing-field-initializers)
endfunction()
