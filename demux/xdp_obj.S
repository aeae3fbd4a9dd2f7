/*
 * xdp_prog.bpf.o inside the demux binary, so the program always matches
 * the loader that was built with it and nothing has to be installed
 * beside it.  The Makefile puts the object's directory on the
 * assembler's include path.
 */
	.section .rodata
	.balign 8
	.globl	dx_xdp_obj
dx_xdp_obj:
	.incbin	"xdp_prog.bpf.o"
	.globl	dx_xdp_obj_end
dx_xdp_obj_end:
	.section .note.GNU-stack,"",@progbits
