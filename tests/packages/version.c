/* Prints the installed C library's version (the packages stage compares it with the others). */
#include <stdio.h>

#include <bunkerlite.h>

int main(void) {
    printf("%s\n", bl_version());
    return 0;
}
