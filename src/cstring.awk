# cstring.awk: a text file as a C string, for files compiled into heapview.
#   awk -v name=NAME -f cstring.awk FILE  ->  const char NAME[] = "...";
BEGIN { printf "extern const char %s[];\nconst char %s[] =\n", name, name }
{
	gsub(/\\/, "\\\\")
	gsub(/"/, "\\\"")
	gsub(/\?/, "\\?")
	printf "\"%s\\n\"\n", $0
}
END { print ";" }
