# fmt_glibc_bugs.sed: corrections applied to glibc's output of t_fmt before it is compared with ours.
# glibc 2.36 drops the zeros that %#g must keep when rounding carries into a
# new decimal exponent (999999.5 -> "1.e+06"); C11 7.21.6.1 says # keeps them,
# as glibc itself does for 9999995.0 -> "1.00000e+07".
s/^%#g|6|1\.e+06|6|1\.e+0$/%#g|11|1.00000e+06|11|1.000/
s/^%#\.3g|6|1\.e+03|6|1\.e+0$/%#.3g|8|1.00e+03|8|1.00e/
