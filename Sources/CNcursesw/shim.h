/* Swift 6 cannot use curses' C globals (stdscr, COLORS) or its macros (COLOR_PAIR, A_BOLD,
   getmaxyx), so this header wraps what Genesis needs in static inline functions. */
#ifndef GENESIS_NCURSES_SHIM_H
#define GENESIS_NCURSES_SHIM_H

#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <wchar.h>
#include <poll.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <ncursesw/curses.h>

static inline WINDOW *gn_stdscr(void) { return stdscr; }
static inline void gn_size(int *rows, int *cols) { getmaxyx(stdscr, *rows, *cols); }
static inline int gn_colors(void) { return COLORS; }
static inline int gn_color_pairs(void) { return COLOR_PAIRS; }
static inline int gn_get_wch(wint_t *ch) { return wget_wch(stdscr, ch); }
static inline int gn_key_code_yes(void) { return KEY_CODE_YES; }
static inline int gn_err(void) { return ERR; }

static inline attr_t gn_bold(void) { return A_BOLD; }
static inline attr_t gn_dim(void) { return A_DIM; }
static inline attr_t gn_underline(void) { return A_UNDERLINE; }
static inline attr_t gn_reverse(void) { return A_REVERSE; }
static inline attr_t gn_italic(void) { return A_ITALIC; }

/* Writes one cell: a base character and up to four combining marks (wch is NUL-terminated). */
static inline int gn_put_cell(int y, int x, const wchar_t *wch, attr_t attrs, short pair) {
    cchar_t cell;
    if (setcchar(&cell, wch, attrs, pair, NULL) != OK) return ERR;
    return mvwadd_wch(stdscr, y, x, &cell);
}

/* Reads the terminal's size from the kernel and resizes curses to it (after SIGWINCH). */
static inline int gn_resize_to_terminal(void) {
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0 || ws.ws_col == 0) return ERR;
    return resize_term(ws.ws_row, ws.ws_col);
}

/* The next refresh repaints every cell: after a resize the terminal's contents are unknown. */
static inline void gn_force_repaint(void) { clearok(curscr, TRUE); }

static inline int gn_init(void) {
    if (initscr() == NULL) return ERR;
    raw();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    set_escdelay(25);
    curs_set(0);
    return OK;
}

static inline void gn_enable_mouse(void) {
    mousemask(BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
}

static inline int gn_wheel(int *direction) {
    MEVENT event;
    if (getmouse(&event) != OK) return ERR;
    if (event.bstate & BUTTON4_PRESSED) { *direction = -1; return OK; }
    if (event.bstate & BUTTON5_PRESSED) { *direction = 1; return OK; }
    return ERR;
}

static inline int gn_key_mouse(void) { return KEY_MOUSE; }
static inline int gn_key_resize(void) { return KEY_RESIZE; }
static inline int gn_key_up(void) { return KEY_UP; }
static inline int gn_key_down(void) { return KEY_DOWN; }
static inline int gn_key_left(void) { return KEY_LEFT; }
static inline int gn_key_right(void) { return KEY_RIGHT; }
static inline int gn_key_home(void) { return KEY_HOME; }
static inline int gn_key_end(void) { return KEY_END; }
static inline int gn_key_backspace(void) { return KEY_BACKSPACE; }
static inline int gn_key_dc(void) { return KEY_DC; }
static inline int gn_key_ppage(void) { return KEY_PPAGE; }
static inline int gn_key_npage(void) { return KEY_NPAGE; }
static inline int gn_key_enter(void) { return KEY_ENTER; }
static inline int gn_key_btab(void) { return KEY_BTAB; }
static inline int gn_key_f(int n) { return KEY_F(n); }

#endif
