# HV_CHECK_CFLAG(FLAG, ACTION-IF-OK)
# Try compiling an empty program with FLAG (and -Werror, so that unknown
# warning options are rejected rather than ignored).
AC_DEFUN([HV_CHECK_CFLAG], [
  AS_VAR_PUSHDEF([hv_var], [hv_cv_cflag_$1])
  AC_CACHE_CHECK([whether $CC accepts $1], [hv_var], [
    hv_save_CFLAGS=$CFLAGS
    CFLAGS="$CFLAGS -Werror $1"
    AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
      [AS_VAR_SET([hv_var], [yes])], [AS_VAR_SET([hv_var], [no])])
    CFLAGS=$hv_save_CFLAGS])
  AS_VAR_IF([hv_var], [yes], [$2])
  AS_VAR_POPDEF([hv_var])
])
