#define rand	pan_rand
#define pthread_equal(a,b)	((a)==(b))
#if defined(HAS_CODE) && defined(VERBOSE)
	#ifdef BFS_PAR
		bfs_printf("Pr: %d Tr: %d\n", II, t->forw);
	#else
		cpu_printf("Pr: %d Tr: %d\n", II, t->forw);
	#endif
#endif
	switch (t->forw) {
	default: Uerror("bad forward move");
	case 0:	/* if without executable clauses */
		continue;
	case 1: /* generic 'goto' or 'skip' */
		IfNotBlocked
		_m = 3; goto P999;
	case 2: /* generic 'else' */
		IfNotBlocked
		if (trpt->o_pm&1) continue;
		_m = 3; goto P999;

		 /* CLAIM no_mail_lost */
	case 3: // STATE 1 - _spin_nvr.tmp:3 - [(!((staff_done&&((!(issued[0])||(((status[0]==3)||(status[0]==4))||(status[0]==5)))&&(!(issued[1])||(((status[1]==3)||(status[1]==4))||(status[1]==5)))))))] (0:0:0 - 1)
		
#if defined(VERI) && !defined(NP)
#if NCLAIMS>1
		{	static int reported1 = 0;
			if (verbose && !reported1)
			{	int nn = (int) ((Pclaim *)pptr(0))->_n;
				printf("depth %ld: Claim %s (%d), state %d (line %d)\n",
					depth, procname[spin_c_typ[nn]], nn, (int) ((Pclaim *)pptr(0))->_p, src_claim[ (int) ((Pclaim *)pptr(0))->_p ]);
				reported1 = 1;
				fflush(stdout);
		}	}
#else
		{	static int reported1 = 0;
			if (verbose && !reported1)
			{	printf("depth %d: Claim, state %d (line %d)\n",
					(int) depth, (int) ((Pclaim *)pptr(0))->_p, src_claim[ (int) ((Pclaim *)pptr(0))->_p ]);
				reported1 = 1;
				fflush(stdout);
		}	}
#endif
#endif
		reached[7][1] = 1;
		if (!( !((((int)now.staff_done)&&(( !(((int)now.issued[0]))||(((((int)now.status[0])==3)||(((int)now.status[0])==4))||(((int)now.status[0])==5)))&&( !(((int)now.issued[1]))||(((((int)now.status[1])==3)||(((int)now.status[1])==4))||(((int)now.status[1])==5))))))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 4: // STATE 13 - _spin_nvr.tmp:10 - [-end-] (0:0:0 - 1)
		
#if defined(VERI) && !defined(NP)
#if NCLAIMS>1
		{	static int reported13 = 0;
			if (verbose && !reported13)
			{	int nn = (int) ((Pclaim *)pptr(0))->_n;
				printf("depth %ld: Claim %s (%d), state %d (line %d)\n",
					depth, procname[spin_c_typ[nn]], nn, (int) ((Pclaim *)pptr(0))->_p, src_claim[ (int) ((Pclaim *)pptr(0))->_p ]);
				reported13 = 1;
				fflush(stdout);
		}	}
#else
		{	static int reported13 = 0;
			if (verbose && !reported13)
			{	printf("depth %d: Claim, state %d (line %d)\n",
					(int) depth, (int) ((Pclaim *)pptr(0))->_p, src_claim[ (int) ((Pclaim *)pptr(0))->_p ]);
				reported13 = 1;
				fflush(stdout);
		}	}
#endif
#endif
		reached[7][13] = 1;
		if (!delproc(1, II)) continue;
		_m = 3; goto P999; /* 0 */

		 /* PROC :init: */
	case 5: // STATE 1 - portal.pml:320 - [i = 1] (0:0:1 - 1)
		IfNotBlocked
		reached[6][1] = 1;
		(trpt+1)->bup.oval = ((int)((P6 *)_this)->i);
		((P6 *)_this)->i = 1;
#ifdef VAR_RANGES
		logval(":init::i", ((int)((P6 *)_this)->i));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 6: // STATE 2 - portal.pml:320 - [((i<=2))] (0:0:0 - 1)
		IfNotBlocked
		reached[6][2] = 1;
		if (!((((int)((P6 *)_this)->i)<=2)))
			continue;
		_m = 3; goto P999; /* 0 */
	case 7: // STATE 3 - portal.pml:320 - [(run Mailer(i))] (0:0:0 - 1)
		IfNotBlocked
		reached[6][3] = 1;
		if (!(addproc(II, 1, 4, ((int)((P6 *)_this)->i))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 8: // STATE 4 - portal.pml:320 - [i = (i+1)] (0:0:1 - 1)
		IfNotBlocked
		reached[6][4] = 1;
		(trpt+1)->bup.oval = ((int)((P6 *)_this)->i);
		((P6 *)_this)->i = (((int)((P6 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval(":init::i", ((int)((P6 *)_this)->i));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 9: // STATE 10 - portal.pml:321 - [i = 1] (0:16:1 - 3)
		IfNotBlocked
		reached[6][10] = 1;
		(trpt+1)->bup.oval = ((int)((P6 *)_this)->i);
		((P6 *)_this)->i = 1;
#ifdef VAR_RANGES
		logval(":init::i", ((int)((P6 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 17, 16) */
		reached[6][17] = 1;
		;
		_m = 3; goto P999; /* 1 */
	case 10: // STATE 11 - portal.pml:321 - [((i<=2))] (0:0:0 - 1)
		IfNotBlocked
		reached[6][11] = 1;
		if (!((((int)((P6 *)_this)->i)<=2)))
			continue;
		_m = 3; goto P999; /* 0 */
	case 11: // STATE 12 - portal.pml:321 - [(run Gateway())] (0:0:0 - 1)
		IfNotBlocked
		reached[6][12] = 1;
		if (!(addproc(II, 1, 5, 0)))
			continue;
		_m = 3; goto P999; /* 0 */
	case 12: // STATE 13 - portal.pml:321 - [i = (i+1)] (0:0:1 - 1)
		IfNotBlocked
		reached[6][13] = 1;
		(trpt+1)->bup.oval = ((int)((P6 *)_this)->i);
		((P6 *)_this)->i = (((int)((P6 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval(":init::i", ((int)((P6 *)_this)->i));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 13: // STATE 20 - portal.pml:323 - [-end-] (0:0:0 - 1)
		IfNotBlocked
		reached[6][20] = 1;
		if (!delproc(1, II)) continue;
		_m = 3; goto P999; /* 0 */

		 /* PROC Gateway */
	case 14: // STATE 1 - portal.pml:310 - [((link[0]!=0))] (0:0:0 - 1)
		IfNotBlocked
		reached[5][1] = 1;
		if (!((((int)now.link[0])!=0)))
			continue;
		_m = 3; goto P999; /* 0 */
	case 15: // STATE 2 - portal.pml:310 - [(((((((ttype[0]==1)&&(hash[0]==link[0]))&&user_active)&&!(used[0]))&&!(revoked[0]))&&!(expired[0])))] (20:0:2 - 1)
		IfNotBlocked
		reached[5][2] = 1;
		if (!(((((((((int)now.ttype[0])==1)&&(((int)now.hash[0])==((int)now.link[0])))&&((int)now.user_active))&& !(((int)now.used[0])))&& !(((int)now.revoked[0])))&& !(((int)now.expired[0])))))
			continue;
		/* merge: assert((consumed[0]==0))(20, 3, 20) */
		reached[5][3] = 1;
		spin_assert((((int)now.consumed[0])==0), "(consumed[0]==0)", II, tt, t);
		/* merge: assert(((!(revoked[0])&&!(expired[0]))&&(ttype[0]==1)))(20, 4, 20) */
		reached[5][4] = 1;
		spin_assert((( !(((int)now.revoked[0]))&& !(((int)now.expired[0])))&&(((int)now.ttype[0])==1)), "(( !(revoked[0])&& !(expired[0]))&&(ttype[0]==1))", II, tt, t);
		/* merge: used[0] = 1(20, 5, 20) */
		reached[5][5] = 1;
		(trpt+1)->bup.ovals = grab_ints(2);
		(trpt+1)->bup.ovals[0] = ((int)now.used[0]);
		now.used[0] = 1;
#ifdef VAR_RANGES
		logval("used[0]", ((int)now.used[0]));
#endif
		;
		/* merge: consumed[0] = (consumed[0]+1)(20, 6, 20) */
		reached[5][6] = 1;
		(trpt+1)->bup.ovals[1] = ((int)now.consumed[0]);
		now.consumed[0] = (((int)now.consumed[0])+1);
#ifdef VAR_RANGES
		logval("consumed[0]", ((int)now.consumed[0]));
#endif
		;
		_m = 3; goto P999; /* 4 */
	case 16: // STATE 7 - portal.pml:87 - [i = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[5][7] = 1;
		(trpt+1)->bup.oval = ((int)((P5 *)_this)->i);
		((P5 *)_this)->i = 0;
#ifdef VAR_RANGES
		logval("Gateway:i", ((int)((P5 *)_this)->i));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 17: // STATE 8 - portal.pml:87 - [((i<=(2-1)))] (0:0:0 - 1)
		IfNotBlocked
		reached[5][8] = 1;
		if (!((((int)((P5 *)_this)->i)<=(2-1))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 18: // STATE 9 - portal.pml:89 - [(((issued[i]&&!(used[i]))&&!(revoked[i])))] (17:0:2 - 1)
		IfNotBlocked
		reached[5][9] = 1;
		if (!(((((int)now.issued[ Index(((int)((P5 *)_this)->i), 2) ])&& !(((int)now.used[ Index(((int)((P5 *)_this)->i), 2) ])))&& !(((int)now.revoked[ Index(((int)((P5 *)_this)->i), 2) ])))))
			continue;
		/* merge: revoked[i] = 1(17, 10, 17) */
		reached[5][10] = 1;
		(trpt+1)->bup.ovals = grab_ints(2);
		(trpt+1)->bup.ovals[0] = ((int)now.revoked[ Index(((int)((P5 *)_this)->i), 2) ]);
		now.revoked[ Index(((P5 *)_this)->i, 2) ] = 1;
#ifdef VAR_RANGES
		logval("revoked[Gateway:i]", ((int)now.revoked[ Index(((int)((P5 *)_this)->i), 2) ]));
#endif
		;
		/* merge: .(goto)(17, 13, 17) */
		reached[5][13] = 1;
		;
		/* merge: i = (i+1)(17, 14, 17) */
		reached[5][14] = 1;
		(trpt+1)->bup.ovals[1] = ((int)((P5 *)_this)->i);
		((P5 *)_this)->i = (((int)((P5 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Gateway:i", ((int)((P5 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 18, 17) */
		reached[5][18] = 1;
		;
		_m = 3; goto P999; /* 4 */
	case 19: // STATE 14 - portal.pml:87 - [i = (i+1)] (0:17:1 - 3)
		IfNotBlocked
		reached[5][14] = 1;
		(trpt+1)->bup.oval = ((int)((P5 *)_this)->i);
		((P5 *)_this)->i = (((int)((P5 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Gateway:i", ((int)((P5 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 18, 17) */
		reached[5][18] = 1;
		;
		_m = 3; goto P999; /* 1 */
	case 20: // STATE 25 - portal.pml:311 - [((link[0]!=0))] (0:0:0 - 1)
		IfNotBlocked
		reached[5][25] = 1;
		if (!((((int)now.link[0])!=0)))
			continue;
		_m = 3; goto P999; /* 0 */
	case 21: // STATE 26 - portal.pml:311 - [(((((((ttype[0]==2)&&(hash[0]==link[0]))&&user_active)&&!(used[0]))&&!(revoked[0]))&&!(expired[0])))] (44:0:2 - 1)
		IfNotBlocked
		reached[5][26] = 1;
		if (!(((((((((int)now.ttype[0])==2)&&(((int)now.hash[0])==((int)now.link[0])))&&((int)now.user_active))&& !(((int)now.used[0])))&& !(((int)now.revoked[0])))&& !(((int)now.expired[0])))))
			continue;
		/* merge: assert((consumed[0]==0))(44, 27, 44) */
		reached[5][27] = 1;
		spin_assert((((int)now.consumed[0])==0), "(consumed[0]==0)", II, tt, t);
		/* merge: assert(((!(revoked[0])&&!(expired[0]))&&(ttype[0]==2)))(44, 28, 44) */
		reached[5][28] = 1;
		spin_assert((( !(((int)now.revoked[0]))&& !(((int)now.expired[0])))&&(((int)now.ttype[0])==2)), "(( !(revoked[0])&& !(expired[0]))&&(ttype[0]==2))", II, tt, t);
		/* merge: used[0] = 1(44, 29, 44) */
		reached[5][29] = 1;
		(trpt+1)->bup.ovals = grab_ints(2);
		(trpt+1)->bup.ovals[0] = ((int)now.used[0]);
		now.used[0] = 1;
#ifdef VAR_RANGES
		logval("used[0]", ((int)now.used[0]));
#endif
		;
		/* merge: consumed[0] = (consumed[0]+1)(44, 30, 44) */
		reached[5][30] = 1;
		(trpt+1)->bup.ovals[1] = ((int)now.consumed[0]);
		now.consumed[0] = (((int)now.consumed[0])+1);
#ifdef VAR_RANGES
		logval("consumed[0]", ((int)now.consumed[0]));
#endif
		;
		_m = 3; goto P999; /* 4 */
	case 22: // STATE 31 - portal.pml:87 - [i = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[5][31] = 1;
		(trpt+1)->bup.oval = ((int)((P5 *)_this)->i);
		((P5 *)_this)->i = 0;
#ifdef VAR_RANGES
		logval("Gateway:i", ((int)((P5 *)_this)->i));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 23: // STATE 32 - portal.pml:87 - [((i<=(2-1)))] (0:0:0 - 1)
		IfNotBlocked
		reached[5][32] = 1;
		if (!((((int)((P5 *)_this)->i)<=(2-1))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 24: // STATE 33 - portal.pml:89 - [(((issued[i]&&!(used[i]))&&!(revoked[i])))] (41:0:2 - 1)
		IfNotBlocked
		reached[5][33] = 1;
		if (!(((((int)now.issued[ Index(((int)((P5 *)_this)->i), 2) ])&& !(((int)now.used[ Index(((int)((P5 *)_this)->i), 2) ])))&& !(((int)now.revoked[ Index(((int)((P5 *)_this)->i), 2) ])))))
			continue;
		/* merge: revoked[i] = 1(41, 34, 41) */
		reached[5][34] = 1;
		(trpt+1)->bup.ovals = grab_ints(2);
		(trpt+1)->bup.ovals[0] = ((int)now.revoked[ Index(((int)((P5 *)_this)->i), 2) ]);
		now.revoked[ Index(((P5 *)_this)->i, 2) ] = 1;
#ifdef VAR_RANGES
		logval("revoked[Gateway:i]", ((int)now.revoked[ Index(((int)((P5 *)_this)->i), 2) ]));
#endif
		;
		/* merge: .(goto)(41, 37, 41) */
		reached[5][37] = 1;
		;
		/* merge: i = (i+1)(41, 38, 41) */
		reached[5][38] = 1;
		(trpt+1)->bup.ovals[1] = ((int)((P5 *)_this)->i);
		((P5 *)_this)->i = (((int)((P5 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Gateway:i", ((int)((P5 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 42, 41) */
		reached[5][42] = 1;
		;
		_m = 3; goto P999; /* 4 */
	case 25: // STATE 38 - portal.pml:87 - [i = (i+1)] (0:41:1 - 3)
		IfNotBlocked
		reached[5][38] = 1;
		(trpt+1)->bup.oval = ((int)((P5 *)_this)->i);
		((P5 *)_this)->i = (((int)((P5 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Gateway:i", ((int)((P5 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 42, 41) */
		reached[5][42] = 1;
		;
		_m = 3; goto P999; /* 1 */
	case 26: // STATE 49 - portal.pml:312 - [((link[1]!=0))] (0:0:0 - 1)
		IfNotBlocked
		reached[5][49] = 1;
		if (!((((int)now.link[1])!=0)))
			continue;
		_m = 3; goto P999; /* 0 */
	case 27: // STATE 50 - portal.pml:312 - [(((((((ttype[1]==1)&&(hash[1]==link[1]))&&user_active)&&!(used[1]))&&!(revoked[1]))&&!(expired[1])))] (68:0:2 - 1)
		IfNotBlocked
		reached[5][50] = 1;
		if (!(((((((((int)now.ttype[1])==1)&&(((int)now.hash[1])==((int)now.link[1])))&&((int)now.user_active))&& !(((int)now.used[1])))&& !(((int)now.revoked[1])))&& !(((int)now.expired[1])))))
			continue;
		/* merge: assert((consumed[1]==0))(68, 51, 68) */
		reached[5][51] = 1;
		spin_assert((((int)now.consumed[1])==0), "(consumed[1]==0)", II, tt, t);
		/* merge: assert(((!(revoked[1])&&!(expired[1]))&&(ttype[1]==1)))(68, 52, 68) */
		reached[5][52] = 1;
		spin_assert((( !(((int)now.revoked[1]))&& !(((int)now.expired[1])))&&(((int)now.ttype[1])==1)), "(( !(revoked[1])&& !(expired[1]))&&(ttype[1]==1))", II, tt, t);
		/* merge: used[1] = 1(68, 53, 68) */
		reached[5][53] = 1;
		(trpt+1)->bup.ovals = grab_ints(2);
		(trpt+1)->bup.ovals[0] = ((int)now.used[1]);
		now.used[1] = 1;
#ifdef VAR_RANGES
		logval("used[1]", ((int)now.used[1]));
#endif
		;
		/* merge: consumed[1] = (consumed[1]+1)(68, 54, 68) */
		reached[5][54] = 1;
		(trpt+1)->bup.ovals[1] = ((int)now.consumed[1]);
		now.consumed[1] = (((int)now.consumed[1])+1);
#ifdef VAR_RANGES
		logval("consumed[1]", ((int)now.consumed[1]));
#endif
		;
		_m = 3; goto P999; /* 4 */
	case 28: // STATE 55 - portal.pml:87 - [i = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[5][55] = 1;
		(trpt+1)->bup.oval = ((int)((P5 *)_this)->i);
		((P5 *)_this)->i = 0;
#ifdef VAR_RANGES
		logval("Gateway:i", ((int)((P5 *)_this)->i));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 29: // STATE 56 - portal.pml:87 - [((i<=(2-1)))] (0:0:0 - 1)
		IfNotBlocked
		reached[5][56] = 1;
		if (!((((int)((P5 *)_this)->i)<=(2-1))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 30: // STATE 57 - portal.pml:89 - [(((issued[i]&&!(used[i]))&&!(revoked[i])))] (65:0:2 - 1)
		IfNotBlocked
		reached[5][57] = 1;
		if (!(((((int)now.issued[ Index(((int)((P5 *)_this)->i), 2) ])&& !(((int)now.used[ Index(((int)((P5 *)_this)->i), 2) ])))&& !(((int)now.revoked[ Index(((int)((P5 *)_this)->i), 2) ])))))
			continue;
		/* merge: revoked[i] = 1(65, 58, 65) */
		reached[5][58] = 1;
		(trpt+1)->bup.ovals = grab_ints(2);
		(trpt+1)->bup.ovals[0] = ((int)now.revoked[ Index(((int)((P5 *)_this)->i), 2) ]);
		now.revoked[ Index(((P5 *)_this)->i, 2) ] = 1;
#ifdef VAR_RANGES
		logval("revoked[Gateway:i]", ((int)now.revoked[ Index(((int)((P5 *)_this)->i), 2) ]));
#endif
		;
		/* merge: .(goto)(65, 61, 65) */
		reached[5][61] = 1;
		;
		/* merge: i = (i+1)(65, 62, 65) */
		reached[5][62] = 1;
		(trpt+1)->bup.ovals[1] = ((int)((P5 *)_this)->i);
		((P5 *)_this)->i = (((int)((P5 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Gateway:i", ((int)((P5 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 66, 65) */
		reached[5][66] = 1;
		;
		_m = 3; goto P999; /* 4 */
	case 31: // STATE 62 - portal.pml:87 - [i = (i+1)] (0:65:1 - 3)
		IfNotBlocked
		reached[5][62] = 1;
		(trpt+1)->bup.oval = ((int)((P5 *)_this)->i);
		((P5 *)_this)->i = (((int)((P5 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Gateway:i", ((int)((P5 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 66, 65) */
		reached[5][66] = 1;
		;
		_m = 3; goto P999; /* 1 */
	case 32: // STATE 73 - portal.pml:313 - [((link[1]!=0))] (0:0:0 - 1)
		IfNotBlocked
		reached[5][73] = 1;
		if (!((((int)now.link[1])!=0)))
			continue;
		_m = 3; goto P999; /* 0 */
	case 33: // STATE 74 - portal.pml:313 - [(((((((ttype[1]==2)&&(hash[1]==link[1]))&&user_active)&&!(used[1]))&&!(revoked[1]))&&!(expired[1])))] (92:0:2 - 1)
		IfNotBlocked
		reached[5][74] = 1;
		if (!(((((((((int)now.ttype[1])==2)&&(((int)now.hash[1])==((int)now.link[1])))&&((int)now.user_active))&& !(((int)now.used[1])))&& !(((int)now.revoked[1])))&& !(((int)now.expired[1])))))
			continue;
		/* merge: assert((consumed[1]==0))(92, 75, 92) */
		reached[5][75] = 1;
		spin_assert((((int)now.consumed[1])==0), "(consumed[1]==0)", II, tt, t);
		/* merge: assert(((!(revoked[1])&&!(expired[1]))&&(ttype[1]==2)))(92, 76, 92) */
		reached[5][76] = 1;
		spin_assert((( !(((int)now.revoked[1]))&& !(((int)now.expired[1])))&&(((int)now.ttype[1])==2)), "(( !(revoked[1])&& !(expired[1]))&&(ttype[1]==2))", II, tt, t);
		/* merge: used[1] = 1(92, 77, 92) */
		reached[5][77] = 1;
		(trpt+1)->bup.ovals = grab_ints(2);
		(trpt+1)->bup.ovals[0] = ((int)now.used[1]);
		now.used[1] = 1;
#ifdef VAR_RANGES
		logval("used[1]", ((int)now.used[1]));
#endif
		;
		/* merge: consumed[1] = (consumed[1]+1)(92, 78, 92) */
		reached[5][78] = 1;
		(trpt+1)->bup.ovals[1] = ((int)now.consumed[1]);
		now.consumed[1] = (((int)now.consumed[1])+1);
#ifdef VAR_RANGES
		logval("consumed[1]", ((int)now.consumed[1]));
#endif
		;
		_m = 3; goto P999; /* 4 */
	case 34: // STATE 79 - portal.pml:87 - [i = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[5][79] = 1;
		(trpt+1)->bup.oval = ((int)((P5 *)_this)->i);
		((P5 *)_this)->i = 0;
#ifdef VAR_RANGES
		logval("Gateway:i", ((int)((P5 *)_this)->i));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 35: // STATE 80 - portal.pml:87 - [((i<=(2-1)))] (0:0:0 - 1)
		IfNotBlocked
		reached[5][80] = 1;
		if (!((((int)((P5 *)_this)->i)<=(2-1))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 36: // STATE 81 - portal.pml:89 - [(((issued[i]&&!(used[i]))&&!(revoked[i])))] (89:0:2 - 1)
		IfNotBlocked
		reached[5][81] = 1;
		if (!(((((int)now.issued[ Index(((int)((P5 *)_this)->i), 2) ])&& !(((int)now.used[ Index(((int)((P5 *)_this)->i), 2) ])))&& !(((int)now.revoked[ Index(((int)((P5 *)_this)->i), 2) ])))))
			continue;
		/* merge: revoked[i] = 1(89, 82, 89) */
		reached[5][82] = 1;
		(trpt+1)->bup.ovals = grab_ints(2);
		(trpt+1)->bup.ovals[0] = ((int)now.revoked[ Index(((int)((P5 *)_this)->i), 2) ]);
		now.revoked[ Index(((P5 *)_this)->i, 2) ] = 1;
#ifdef VAR_RANGES
		logval("revoked[Gateway:i]", ((int)now.revoked[ Index(((int)((P5 *)_this)->i), 2) ]));
#endif
		;
		/* merge: .(goto)(89, 85, 89) */
		reached[5][85] = 1;
		;
		/* merge: i = (i+1)(89, 86, 89) */
		reached[5][86] = 1;
		(trpt+1)->bup.ovals[1] = ((int)((P5 *)_this)->i);
		((P5 *)_this)->i = (((int)((P5 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Gateway:i", ((int)((P5 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 90, 89) */
		reached[5][90] = 1;
		;
		_m = 3; goto P999; /* 4 */
	case 37: // STATE 86 - portal.pml:87 - [i = (i+1)] (0:89:1 - 3)
		IfNotBlocked
		reached[5][86] = 1;
		(trpt+1)->bup.oval = ((int)((P5 *)_this)->i);
		((P5 *)_this)->i = (((int)((P5 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Gateway:i", ((int)((P5 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 90, 89) */
		reached[5][90] = 1;
		;
		_m = 3; goto P999; /* 1 */
	case 38: // STATE 100 - portal.pml:315 - [-end-] (0:0:0 - 1)
		IfNotBlocked
		reached[5][100] = 1;
		if (!delproc(1, II)) continue;
		_m = 3; goto P999; /* 0 */

		 /* PROC Mailer */
	case 39: // STATE 1 - portal.pml:152 - [batch = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][1] = 1;
		(trpt+1)->bup.oval = ((int)((P4 *)_this)->batch);
		((P4 *)_this)->batch = 0;
#ifdef VAR_RANGES
		logval("Mailer:batch", ((int)((P4 *)_this)->batch));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 40: // STATE 2 - portal.pml:152 - [midsend[me] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][2] = 1;
		(trpt+1)->bup.oval = ((int)now.midsend[ Index(((int)((P4 *)_this)->me), 3) ]);
		now.midsend[ Index(((P4 *)_this)->me, 3) ] = 0;
#ifdef VAR_RANGES
		logval("midsend[Mailer:me]", ((int)now.midsend[ Index(((int)((P4 *)_this)->me), 3) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 41: // STATE 3 - portal.pml:152 - [delivered[me] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][3] = 1;
		(trpt+1)->bup.oval = ((int)now.delivered[ Index(((int)((P4 *)_this)->me), 3) ]);
		now.delivered[ Index(((P4 *)_this)->me, 3) ] = 0;
#ifdef VAR_RANGES
		logval("delivered[Mailer:me]", ((int)now.delivered[ Index(((int)((P4 *)_this)->me), 3) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 42: // STATE 4 - portal.pml:152 - [lost[me] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][4] = 1;
		(trpt+1)->bup.oval = ((int)now.lost[ Index(((int)((P4 *)_this)->me), 3) ]);
		now.lost[ Index(((P4 *)_this)->me, 3) ] = 0;
#ifdef VAR_RANGES
		logval("lost[Mailer:me]", ((int)now.lost[ Index(((int)((P4 *)_this)->me), 3) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 43: // STATE 5 - portal.pml:157 - [i = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][5] = 1;
		(trpt+1)->bup.oval = ((int)((P4 *)_this)->i);
		((P4 *)_this)->i = 0;
#ifdef VAR_RANGES
		logval("Mailer:i", ((int)((P4 *)_this)->i));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 44: // STATE 152 - portal.pml:269 - [(crash[me])] (0:0:0 - 102)
		IfNotBlocked
		reached[4][152] = 1;
		if (!(((int)now.crash[ Index(((int)((P4 *)_this)->me), 3) ])))
			continue;
		_m = 3; goto P999; /* 0 */
	case 45: // STATE 153 - portal.pml:271 - [crash[me] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][153] = 1;
		(trpt+1)->bup.oval = ((int)now.crash[ Index(((int)((P4 *)_this)->me), 3) ]);
		now.crash[ Index(((P4 *)_this)->me, 3) ] = 0;
#ifdef VAR_RANGES
		logval("crash[Mailer:me]", ((int)now.crash[ Index(((int)((P4 *)_this)->me), 3) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 46: // STATE 154 - portal.pml:273 - [((delivered[me]!=0))] (1:0:1 - 1)
		IfNotBlocked
		reached[4][154] = 1;
		if (!((((int)now.delivered[ Index(((int)((P4 *)_this)->me), 3) ])!=0)))
			continue;
		/* merge: interrupted[(delivered[me]-1)] = (interrupted[(delivered[me]-1)]+1)(1, 155, 1) */
		reached[4][155] = 1;
		(trpt+1)->bup.oval = ((int)now.interrupted[ Index((((int)now.delivered[ Index(((int)((P4 *)_this)->me), 3) ])-1), 2) ]);
		now.interrupted[ Index((now.delivered[ Index(((P4 *)_this)->me, 3) ]-1), 2) ] = (((int)now.interrupted[ Index((((int)now.delivered[ Index(((int)((P4 *)_this)->me), 3) ])-1), 2) ])+1);
#ifdef VAR_RANGES
		logval("interrupted[(delivered[Mailer:me]-1)]", ((int)now.interrupted[ Index((((int)now.delivered[ Index(((int)((P4 *)_this)->me), 3) ])-1), 2) ]));
#endif
		;
		/* merge: .(goto)(1, 158, 1) */
		reached[4][158] = 1;
		;
		/* merge: goto restart(0, 160, 1) */
		reached[4][160] = 1;
		;
		_m = 3; goto P999; /* 3 */
	case 47: // STATE 158 - portal.pml:276 - [.(goto)] (0:1:0 - 2)
		IfNotBlocked
		reached[4][158] = 1;
		;
		/* merge: goto restart(0, 160, 1) */
		reached[4][160] = 1;
		;
		_m = 3; goto P999; /* 1 */
	case 48: // STATE 6 - portal.pml:157 - [((i<=(2-1)))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][6] = 1;
		if (!((((int)((P4 *)_this)->i)<=(2-1))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 49: // STATE 7 - portal.pml:165 - [(((status[i]==1)||((status[i]==2)&&lease_out[i])))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][7] = 1;
		if (!(((((int)now.status[ Index(((int)((P4 *)_this)->i), 2) ])==1)||((((int)now.status[ Index(((int)((P4 *)_this)->i), 2) ])==2)&&((int)now.lease_out[ Index(((int)((P4 *)_this)->i), 2) ])))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 50: // STATE 8 - portal.pml:168 - [attempts[i] = (attempts[i]+1)] (0:0:1 - 1)
		IfNotBlocked
		reached[4][8] = 1;
		(trpt+1)->bup.oval = ((int)now.attempts[ Index(((int)((P4 *)_this)->i), 2) ]);
		now.attempts[ Index(((P4 *)_this)->i, 2) ] = (((int)now.attempts[ Index(((int)((P4 *)_this)->i), 2) ])+1);
#ifdef VAR_RANGES
		logval("attempts[Mailer:i]", ((int)now.attempts[ Index(((int)((P4 *)_this)->i), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 51: // STATE 9 - portal.pml:170 - [((attempts[i]>2))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][9] = 1;
		if (!((((int)now.attempts[ Index(((int)((P4 *)_this)->i), 2) ])>2)))
			continue;
		_m = 3; goto P999; /* 0 */
	case 52: // STATE 10 - portal.pml:68 - [assert((final_status[i]==0))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][10] = 1;
		spin_assert((((int)now.final_status[ Index(((int)((P4 *)_this)->i), 2) ])==0), "(final_status[i]==0)", II, tt, t);
		_m = 3; goto P999; /* 0 */
	case 53: // STATE 11 - portal.pml:69 - [status[i] = 4] (0:0:1 - 1)
		IfNotBlocked
		reached[4][11] = 1;
		(trpt+1)->bup.oval = ((int)now.status[ Index(((int)((P4 *)_this)->i), 2) ]);
		now.status[ Index(((P4 *)_this)->i, 2) ] = 4;
#ifdef VAR_RANGES
		logval("status[Mailer:i]", ((int)now.status[ Index(((int)((P4 *)_this)->i), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 54: // STATE 12 - portal.pml:69 - [holder[i] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][12] = 1;
		(trpt+1)->bup.oval = ((int)now.holder[ Index(((int)((P4 *)_this)->i), 2) ]);
		now.holder[ Index(((P4 *)_this)->i, 2) ] = 0;
#ifdef VAR_RANGES
		logval("holder[Mailer:i]", ((int)now.holder[ Index(((int)((P4 *)_this)->i), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 55: // STATE 13 - portal.pml:69 - [lease_out[i] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][13] = 1;
		(trpt+1)->bup.oval = ((int)now.lease_out[ Index(((int)((P4 *)_this)->i), 2) ]);
		now.lease_out[ Index(((P4 *)_this)->i, 2) ] = 0;
#ifdef VAR_RANGES
		logval("lease_out[Mailer:i]", ((int)now.lease_out[ Index(((int)((P4 *)_this)->i), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 56: // STATE 14 - portal.pml:70 - [final_status[i] = 4] (0:0:1 - 1)
		IfNotBlocked
		reached[4][14] = 1;
		(trpt+1)->bup.oval = ((int)now.final_status[ Index(((int)((P4 *)_this)->i), 2) ]);
		now.final_status[ Index(((P4 *)_this)->i, 2) ] = 4;
#ifdef VAR_RANGES
		logval("final_status[Mailer:i]", ((int)now.final_status[ Index(((int)((P4 *)_this)->i), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 57: // STATE 16 - portal.pml:171 - [(((attempts[i]<=2)&&!((((issued[i]&&!(used[i]))&&!(revoked[i]))&&!(expired[i])))))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][16] = 1;
		if (!(((((int)now.attempts[ Index(((int)((P4 *)_this)->i), 2) ])<=2)&& !((((((int)now.issued[ Index(((int)((P4 *)_this)->i), 2) ])&& !(((int)now.used[ Index(((int)((P4 *)_this)->i), 2) ])))&& !(((int)now.revoked[ Index(((int)((P4 *)_this)->i), 2) ])))&& !(((int)now.expired[ Index(((int)((P4 *)_this)->i), 2) ])))))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 58: // STATE 17 - portal.pml:68 - [assert((final_status[i]==0))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][17] = 1;
		spin_assert((((int)now.final_status[ Index(((int)((P4 *)_this)->i), 2) ])==0), "(final_status[i]==0)", II, tt, t);
		_m = 3; goto P999; /* 0 */
	case 59: // STATE 18 - portal.pml:69 - [status[i] = 5] (0:0:1 - 1)
		IfNotBlocked
		reached[4][18] = 1;
		(trpt+1)->bup.oval = ((int)now.status[ Index(((int)((P4 *)_this)->i), 2) ]);
		now.status[ Index(((P4 *)_this)->i, 2) ] = 5;
#ifdef VAR_RANGES
		logval("status[Mailer:i]", ((int)now.status[ Index(((int)((P4 *)_this)->i), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 60: // STATE 19 - portal.pml:69 - [holder[i] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][19] = 1;
		(trpt+1)->bup.oval = ((int)now.holder[ Index(((int)((P4 *)_this)->i), 2) ]);
		now.holder[ Index(((P4 *)_this)->i, 2) ] = 0;
#ifdef VAR_RANGES
		logval("holder[Mailer:i]", ((int)now.holder[ Index(((int)((P4 *)_this)->i), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 61: // STATE 20 - portal.pml:69 - [lease_out[i] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][20] = 1;
		(trpt+1)->bup.oval = ((int)now.lease_out[ Index(((int)((P4 *)_this)->i), 2) ]);
		now.lease_out[ Index(((P4 *)_this)->i, 2) ] = 0;
#ifdef VAR_RANGES
		logval("lease_out[Mailer:i]", ((int)now.lease_out[ Index(((int)((P4 *)_this)->i), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 62: // STATE 21 - portal.pml:70 - [final_status[i] = 5] (0:0:1 - 1)
		IfNotBlocked
		reached[4][21] = 1;
		(trpt+1)->bup.oval = ((int)now.final_status[ Index(((int)((P4 *)_this)->i), 2) ]);
		now.final_status[ Index(((P4 *)_this)->i, 2) ] = 5;
#ifdef VAR_RANGES
		logval("final_status[Mailer:i]", ((int)now.final_status[ Index(((int)((P4 *)_this)->i), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 63: // STATE 24 - portal.pml:172 - [status[i] = 2] (0:0:1 - 1)
		IfNotBlocked
		reached[4][24] = 1;
		(trpt+1)->bup.oval = ((int)now.status[ Index(((int)((P4 *)_this)->i), 2) ]);
		now.status[ Index(((P4 *)_this)->i, 2) ] = 2;
#ifdef VAR_RANGES
		logval("status[Mailer:i]", ((int)now.status[ Index(((int)((P4 *)_this)->i), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 64: // STATE 25 - portal.pml:172 - [holder[i] = me] (0:0:1 - 1)
		IfNotBlocked
		reached[4][25] = 1;
		(trpt+1)->bup.oval = ((int)now.holder[ Index(((int)((P4 *)_this)->i), 2) ]);
		now.holder[ Index(((P4 *)_this)->i, 2) ] = ((int)((P4 *)_this)->me);
#ifdef VAR_RANGES
		logval("holder[Mailer:i]", ((int)now.holder[ Index(((int)((P4 *)_this)->i), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 65: // STATE 26 - portal.pml:172 - [lease_out[i] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][26] = 1;
		(trpt+1)->bup.oval = ((int)now.lease_out[ Index(((int)((P4 *)_this)->i), 2) ]);
		now.lease_out[ Index(((P4 *)_this)->i, 2) ] = 0;
#ifdef VAR_RANGES
		logval("lease_out[Mailer:i]", ((int)now.lease_out[ Index(((int)((P4 *)_this)->i), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 66: // STATE 27 - portal.pml:172 - [batch = (batch|(1<<i))] (0:0:1 - 1)
		IfNotBlocked
		reached[4][27] = 1;
		(trpt+1)->bup.oval = ((int)((P4 *)_this)->batch);
		((P4 *)_this)->batch = (((int)((P4 *)_this)->batch)|(1<<((int)((P4 *)_this)->i)));
#ifdef VAR_RANGES
		logval("Mailer:batch", ((int)((P4 *)_this)->batch));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 67: // STATE 33 - portal.pml:157 - [i = (i+1)] (0:0:1 - 6)
		IfNotBlocked
		reached[4][33] = 1;
		(trpt+1)->bup.oval = ((int)((P4 *)_this)->i);
		((P4 *)_this)->i = (((int)((P4 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Mailer:i", ((int)((P4 *)_this)->i));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 68: // STATE 40 - portal.pml:178 - [m = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][40] = 1;
		(trpt+1)->bup.oval = ((int)((P4 *)_this)->m);
		((P4 *)_this)->m = 0;
#ifdef VAR_RANGES
		logval("Mailer:m", ((int)((P4 *)_this)->m));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 69: // STATE 41 - portal.pml:180 - [((m==2))] (0:0:1 - 1)
		IfNotBlocked
		reached[4][41] = 1;
		if (!((((int)((P4 *)_this)->m)==2)))
			continue;
		if (TstOnly) return 1; /* TT */
		/* dead 1: m */  (trpt+1)->bup.oval = ((P4 *)_this)->m;
#ifdef HAS_CODE
		if (!readtrail)
#endif
			((P4 *)_this)->m = 0;
		_m = 3; goto P999; /* 0 */
	case 70: // STATE 43 - portal.pml:181 - [(((m<2)&&!((batch&(1<<m)))))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][43] = 1;
		if (!(((((int)((P4 *)_this)->m)<2)&& !((((int)((P4 *)_this)->batch)&(1<<((int)((P4 *)_this)->m)))))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 71: // STATE 44 - portal.pml:181 - [m = (m+1)] (0:0:1 - 1)
		IfNotBlocked
		reached[4][44] = 1;
		(trpt+1)->bup.oval = ((int)((P4 *)_this)->m);
		((P4 *)_this)->m = (((int)((P4 *)_this)->m)+1);
#ifdef VAR_RANGES
		logval("Mailer:m", ((int)((P4 *)_this)->m));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 72: // STATE 45 - portal.pml:182 - [(((m<2)&&(batch&(1<<m))))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][45] = 1;
		if (!(((((int)((P4 *)_this)->m)<2)&&(((int)((P4 *)_this)->batch)&(1<<((int)((P4 *)_this)->m))))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 73: // STATE 46 - portal.pml:186 - [(((status[m]==2)&&(holder[m]==me)))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][46] = 1;
		if (!(((((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ])==2)&&(((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ])==((int)((P4 *)_this)->me)))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 74: // STATE 47 - portal.pml:188 - [((((issued[m]&&!(used[m]))&&!(revoked[m]))&&!(expired[m])))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][47] = 1;
		if (!((((((int)now.issued[ Index(((int)((P4 *)_this)->m), 2) ])&& !(((int)now.used[ Index(((int)((P4 *)_this)->m), 2) ])))&& !(((int)now.revoked[ Index(((int)((P4 *)_this)->m), 2) ])))&& !(((int)now.expired[ Index(((int)((P4 *)_this)->m), 2) ])))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 75: // STATE 48 - portal.pml:188 - [lease_out[m] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][48] = 1;
		(trpt+1)->bup.oval = ((int)now.lease_out[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.lease_out[ Index(((P4 *)_this)->m, 2) ] = 0;
#ifdef VAR_RANGES
		logval("lease_out[Mailer:m]", ((int)now.lease_out[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 76: // STATE 49 - portal.pml:188 - [ok = 1] (0:0:1 - 1)
		IfNotBlocked
		reached[4][49] = 1;
		(trpt+1)->bup.oval = ((int)((P4 *)_this)->ok);
		((P4 *)_this)->ok = 1;
#ifdef VAR_RANGES
		logval("Mailer:ok", ((int)((P4 *)_this)->ok));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 77: // STATE 50 - portal.pml:188 - [midsend[me] = (m+1)] (0:0:1 - 1)
		IfNotBlocked
		reached[4][50] = 1;
		(trpt+1)->bup.oval = ((int)now.midsend[ Index(((int)((P4 *)_this)->me), 3) ]);
		now.midsend[ Index(((P4 *)_this)->me, 3) ] = (((int)((P4 *)_this)->m)+1);
#ifdef VAR_RANGES
		logval("midsend[Mailer:me]", ((int)now.midsend[ Index(((int)((P4 *)_this)->me), 3) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 78: // STATE 52 - portal.pml:68 - [assert((final_status[m]==0))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][52] = 1;
		spin_assert((((int)now.final_status[ Index(((int)((P4 *)_this)->m), 2) ])==0), "(final_status[m]==0)", II, tt, t);
		_m = 3; goto P999; /* 0 */
	case 79: // STATE 53 - portal.pml:69 - [status[m] = 5] (0:0:1 - 1)
		IfNotBlocked
		reached[4][53] = 1;
		(trpt+1)->bup.oval = ((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.status[ Index(((P4 *)_this)->m, 2) ] = 5;
#ifdef VAR_RANGES
		logval("status[Mailer:m]", ((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 80: // STATE 54 - portal.pml:69 - [holder[m] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][54] = 1;
		(trpt+1)->bup.oval = ((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.holder[ Index(((P4 *)_this)->m, 2) ] = 0;
#ifdef VAR_RANGES
		logval("holder[Mailer:m]", ((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 81: // STATE 55 - portal.pml:69 - [lease_out[m] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][55] = 1;
		(trpt+1)->bup.oval = ((int)now.lease_out[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.lease_out[ Index(((P4 *)_this)->m, 2) ] = 0;
#ifdef VAR_RANGES
		logval("lease_out[Mailer:m]", ((int)now.lease_out[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 82: // STATE 56 - portal.pml:70 - [final_status[m] = 5] (0:0:1 - 1)
		IfNotBlocked
		reached[4][56] = 1;
		(trpt+1)->bup.oval = ((int)now.final_status[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.final_status[ Index(((P4 *)_this)->m, 2) ] = 5;
#ifdef VAR_RANGES
		logval("final_status[Mailer:m]", ((int)now.final_status[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 83: // STATE 58 - portal.pml:189 - [ok = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][58] = 1;
		(trpt+1)->bup.oval = ((int)((P4 *)_this)->ok);
		((P4 *)_this)->ok = 0;
#ifdef VAR_RANGES
		logval("Mailer:ok", ((int)((P4 *)_this)->ok));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 84: // STATE 62 - portal.pml:191 - [ok = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][62] = 1;
		(trpt+1)->bup.oval = ((int)((P4 *)_this)->ok);
		((P4 *)_this)->ok = 0;
#ifdef VAR_RANGES
		logval("Mailer:ok", ((int)((P4 *)_this)->ok));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 85: // STATE 66 - portal.pml:195 - [(ok)] (0:0:0 - 1)
		IfNotBlocked
		reached[4][66] = 1;
		if (!(((int)((P4 *)_this)->ok)))
			continue;
		_m = 3; goto P999; /* 0 */
	case 86: // STATE 67 - portal.pml:202 - [(((hash[m]==0)||(hash[m]==me)))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][67] = 1;
		if (!(((((int)now.hash[ Index(((int)((P4 *)_this)->m), 2) ])==0)||(((int)now.hash[ Index(((int)((P4 *)_this)->m), 2) ])==((int)((P4 *)_this)->me)))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 87: // STATE 68 - portal.pml:202 - [hash[m] = me] (0:0:1 - 1)
		IfNotBlocked
		reached[4][68] = 1;
		(trpt+1)->bup.oval = ((int)now.hash[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.hash[ Index(((P4 *)_this)->m, 2) ] = ((int)((P4 *)_this)->me);
#ifdef VAR_RANGES
		logval("hash[Mailer:m]", ((int)now.hash[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 88: // STATE 69 - portal.pml:203 - [(((hash[m]!=0)&&(hash[m]!=me)))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][69] = 1;
		if (!(((((int)now.hash[ Index(((int)((P4 *)_this)->m), 2) ])!=0)&&(((int)now.hash[ Index(((int)((P4 *)_this)->m), 2) ])!=((int)((P4 *)_this)->me)))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 89: // STATE 70 - portal.pml:204 - [ok = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][70] = 1;
		(trpt+1)->bup.oval = ((int)((P4 *)_this)->ok);
		((P4 *)_this)->ok = 0;
#ifdef VAR_RANGES
		logval("Mailer:ok", ((int)((P4 *)_this)->ok));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 90: // STATE 71 - portal.pml:206 - [(((status[m]==2)&&(holder[m]==me)))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][71] = 1;
		if (!(((((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ])==2)&&(((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ])==((int)((P4 *)_this)->me)))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 91: // STATE 72 - portal.pml:68 - [assert((final_status[m]==0))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][72] = 1;
		spin_assert((((int)now.final_status[ Index(((int)((P4 *)_this)->m), 2) ])==0), "(final_status[m]==0)", II, tt, t);
		_m = 3; goto P999; /* 0 */
	case 92: // STATE 73 - portal.pml:69 - [status[m] = 4] (0:0:1 - 1)
		IfNotBlocked
		reached[4][73] = 1;
		(trpt+1)->bup.oval = ((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.status[ Index(((P4 *)_this)->m, 2) ] = 4;
#ifdef VAR_RANGES
		logval("status[Mailer:m]", ((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 93: // STATE 74 - portal.pml:69 - [holder[m] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][74] = 1;
		(trpt+1)->bup.oval = ((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.holder[ Index(((P4 *)_this)->m, 2) ] = 0;
#ifdef VAR_RANGES
		logval("holder[Mailer:m]", ((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 94: // STATE 75 - portal.pml:69 - [lease_out[m] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][75] = 1;
		(trpt+1)->bup.oval = ((int)now.lease_out[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.lease_out[ Index(((P4 *)_this)->m, 2) ] = 0;
#ifdef VAR_RANGES
		logval("lease_out[Mailer:m]", ((int)now.lease_out[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 95: // STATE 76 - portal.pml:70 - [final_status[m] = 4] (0:0:1 - 1)
		IfNotBlocked
		reached[4][76] = 1;
		(trpt+1)->bup.oval = ((int)now.final_status[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.final_status[ Index(((P4 *)_this)->m, 2) ] = 4;
#ifdef VAR_RANGES
		logval("final_status[Mailer:m]", ((int)now.final_status[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 96: // STATE 81 - portal.pml:209 - [midsend[me] = 0] (0:0:1 - 3)
		IfNotBlocked
		reached[4][81] = 1;
		(trpt+1)->bup.oval = ((int)now.midsend[ Index(((int)((P4 *)_this)->me), 3) ]);
		now.midsend[ Index(((P4 *)_this)->me, 3) ] = 0;
#ifdef VAR_RANGES
		logval("midsend[Mailer:me]", ((int)now.midsend[ Index(((int)((P4 *)_this)->me), 3) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 97: // STATE 84 - portal.pml:213 - [((first_hash[m]==0))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][84] = 1;
		if (!((((int)now.first_hash[ Index(((int)((P4 *)_this)->m), 2) ])==0)))
			continue;
		_m = 3; goto P999; /* 0 */
	case 98: // STATE 85 - portal.pml:213 - [first_hash[m] = hash[m]] (0:0:1 - 1)
		IfNotBlocked
		reached[4][85] = 1;
		(trpt+1)->bup.oval = ((int)now.first_hash[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.first_hash[ Index(((P4 *)_this)->m, 2) ] = ((int)now.hash[ Index(((int)((P4 *)_this)->m), 2) ]);
#ifdef VAR_RANGES
		logval("first_hash[Mailer:m]", ((int)now.first_hash[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 99: // STATE 89 - portal.pml:216 - [assert((hash[m]==first_hash[m]))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][89] = 1;
		spin_assert((((int)now.hash[ Index(((int)((P4 *)_this)->m), 2) ])==((int)now.first_hash[ Index(((int)((P4 *)_this)->m), 2) ])), "(hash[m]==first_hash[m])", II, tt, t);
		_m = 3; goto P999; /* 0 */
	case 100: // STATE 94 - portal.pml:221 - [(ok)] (0:0:1 - 1)
		IfNotBlocked
		reached[4][94] = 1;
		if (!(((int)((P4 *)_this)->ok)))
			continue;
		if (TstOnly) return 1; /* TT */
		/* dead 1: ok */  (trpt+1)->bup.oval = ((P4 *)_this)->ok;
#ifdef HAS_CODE
		if (!readtrail)
#endif
			((P4 *)_this)->ok = 0;
		_m = 3; goto P999; /* 0 */
	case 101: // STATE 95 - portal.pml:227 - [assert((((status[m]==2)&&(holder[m]==me))||lost[me]))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][95] = 1;
		spin_assert((((((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ])==2)&&(((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ])==((int)((P4 *)_this)->me)))||((int)now.lost[ Index(((int)((P4 *)_this)->me), 3) ])), "(((status[m]==2)&&(holder[m]==me))||lost[me])", II, tt, t);
		_m = 3; goto P999; /* 0 */
	case 102: // STATE 96 - portal.pml:228 - [sends[m] = (sends[m]+1)] (0:0:1 - 1)
		IfNotBlocked
		reached[4][96] = 1;
		(trpt+1)->bup.oval = ((int)now.sends[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.sends[ Index(((P4 *)_this)->m, 2) ] = (((int)now.sends[ Index(((int)((P4 *)_this)->m), 2) ])+1);
#ifdef VAR_RANGES
		logval("sends[Mailer:m]", ((int)now.sends[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 103: // STATE 97 - portal.pml:228 - [link[m] = me] (0:0:1 - 1)
		IfNotBlocked
		reached[4][97] = 1;
		(trpt+1)->bup.oval = ((int)now.link[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.link[ Index(((P4 *)_this)->m, 2) ] = ((int)((P4 *)_this)->me);
#ifdef VAR_RANGES
		logval("link[Mailer:m]", ((int)now.link[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 104: // STATE 98 - portal.pml:228 - [delivered[me] = (m+1)] (0:0:1 - 1)
		IfNotBlocked
		reached[4][98] = 1;
		(trpt+1)->bup.oval = ((int)now.delivered[ Index(((int)((P4 *)_this)->me), 3) ]);
		now.delivered[ Index(((P4 *)_this)->me, 3) ] = (((int)((P4 *)_this)->m)+1);
#ifdef VAR_RANGES
		logval("delivered[Mailer:me]", ((int)now.delivered[ Index(((int)((P4 *)_this)->me), 3) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 105: // STATE 99 - portal.pml:230 - [assert((sends[m]<=(1+interrupted[m])))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][99] = 1;
		spin_assert((((int)now.sends[ Index(((int)((P4 *)_this)->m), 2) ])<=(1+((int)now.interrupted[ Index(((int)((P4 *)_this)->m), 2) ]))), "(sends[m]<=(1+interrupted[m]))", II, tt, t);
		_m = 3; goto P999; /* 0 */
	case 106: // STATE 101 - portal.pml:238 - [(((status[m]==2)&&(holder[m]==me)))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][101] = 1;
		if (!(((((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ])==2)&&(((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ])==((int)((P4 *)_this)->me)))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 107: // STATE 102 - portal.pml:68 - [assert((final_status[m]==0))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][102] = 1;
		spin_assert((((int)now.final_status[ Index(((int)((P4 *)_this)->m), 2) ])==0), "(final_status[m]==0)", II, tt, t);
		_m = 3; goto P999; /* 0 */
	case 108: // STATE 103 - portal.pml:69 - [status[m] = 3] (0:0:1 - 1)
		IfNotBlocked
		reached[4][103] = 1;
		(trpt+1)->bup.oval = ((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.status[ Index(((P4 *)_this)->m, 2) ] = 3;
#ifdef VAR_RANGES
		logval("status[Mailer:m]", ((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 109: // STATE 104 - portal.pml:69 - [holder[m] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][104] = 1;
		(trpt+1)->bup.oval = ((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.holder[ Index(((P4 *)_this)->m, 2) ] = 0;
#ifdef VAR_RANGES
		logval("holder[Mailer:m]", ((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 110: // STATE 105 - portal.pml:69 - [lease_out[m] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][105] = 1;
		(trpt+1)->bup.oval = ((int)now.lease_out[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.lease_out[ Index(((P4 *)_this)->m, 2) ] = 0;
#ifdef VAR_RANGES
		logval("lease_out[Mailer:m]", ((int)now.lease_out[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 111: // STATE 106 - portal.pml:70 - [final_status[m] = 3] (0:0:1 - 1)
		IfNotBlocked
		reached[4][106] = 1;
		(trpt+1)->bup.oval = ((int)now.final_status[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.final_status[ Index(((P4 *)_this)->m, 2) ] = 3;
#ifdef VAR_RANGES
		logval("final_status[Mailer:m]", ((int)now.final_status[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 112: // STATE 111 - portal.pml:243 - [midsend[me] = 0] (0:0:1 - 3)
		IfNotBlocked
		reached[4][111] = 1;
		(trpt+1)->bup.oval = ((int)now.midsend[ Index(((int)((P4 *)_this)->me), 3) ]);
		now.midsend[ Index(((P4 *)_this)->me, 3) ] = 0;
#ifdef VAR_RANGES
		logval("midsend[Mailer:me]", ((int)now.midsend[ Index(((int)((P4 *)_this)->me), 3) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 113: // STATE 112 - portal.pml:243 - [delivered[me] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][112] = 1;
		(trpt+1)->bup.oval = ((int)now.delivered[ Index(((int)((P4 *)_this)->me), 3) ]);
		now.delivered[ Index(((P4 *)_this)->me, 3) ] = 0;
#ifdef VAR_RANGES
		logval("delivered[Mailer:me]", ((int)now.delivered[ Index(((int)((P4 *)_this)->me), 3) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 114: // STATE 113 - portal.pml:243 - [lost[me] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][113] = 1;
		(trpt+1)->bup.oval = ((int)now.lost[ Index(((int)((P4 *)_this)->me), 3) ]);
		now.lost[ Index(((P4 *)_this)->me, 3) ] = 0;
#ifdef VAR_RANGES
		logval("lost[Mailer:me]", ((int)now.lost[ Index(((int)((P4 *)_this)->me), 3) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 115: // STATE 115 - portal.pml:251 - [(((status[m]==2)&&(holder[m]==me)))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][115] = 1;
		if (!(((((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ])==2)&&(((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ])==((int)((P4 *)_this)->me)))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 116: // STATE 116 - portal.pml:254 - [((attempts[m]>=2))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][116] = 1;
		if (!((((int)now.attempts[ Index(((int)((P4 *)_this)->m), 2) ])>=2)))
			continue;
		_m = 3; goto P999; /* 0 */
	case 117: // STATE 117 - portal.pml:68 - [assert((final_status[m]==0))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][117] = 1;
		spin_assert((((int)now.final_status[ Index(((int)((P4 *)_this)->m), 2) ])==0), "(final_status[m]==0)", II, tt, t);
		_m = 3; goto P999; /* 0 */
	case 118: // STATE 118 - portal.pml:69 - [status[m] = 4] (0:0:1 - 1)
		IfNotBlocked
		reached[4][118] = 1;
		(trpt+1)->bup.oval = ((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.status[ Index(((P4 *)_this)->m, 2) ] = 4;
#ifdef VAR_RANGES
		logval("status[Mailer:m]", ((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 119: // STATE 119 - portal.pml:69 - [holder[m] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][119] = 1;
		(trpt+1)->bup.oval = ((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.holder[ Index(((P4 *)_this)->m, 2) ] = 0;
#ifdef VAR_RANGES
		logval("holder[Mailer:m]", ((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 120: // STATE 120 - portal.pml:69 - [lease_out[m] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][120] = 1;
		(trpt+1)->bup.oval = ((int)now.lease_out[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.lease_out[ Index(((P4 *)_this)->m, 2) ] = 0;
#ifdef VAR_RANGES
		logval("lease_out[Mailer:m]", ((int)now.lease_out[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 121: // STATE 121 - portal.pml:70 - [final_status[m] = 4] (0:0:1 - 1)
		IfNotBlocked
		reached[4][121] = 1;
		(trpt+1)->bup.oval = ((int)now.final_status[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.final_status[ Index(((P4 *)_this)->m, 2) ] = 4;
#ifdef VAR_RANGES
		logval("final_status[Mailer:m]", ((int)now.final_status[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 122: // STATE 123 - portal.pml:255 - [((attempts[m]<2))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][123] = 1;
		if (!((((int)now.attempts[ Index(((int)((P4 *)_this)->m), 2) ])<2)))
			continue;
		_m = 3; goto P999; /* 0 */
	case 123: // STATE 124 - portal.pml:255 - [status[m] = 1] (0:0:1 - 1)
		IfNotBlocked
		reached[4][124] = 1;
		(trpt+1)->bup.oval = ((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.status[ Index(((P4 *)_this)->m, 2) ] = 1;
#ifdef VAR_RANGES
		logval("status[Mailer:m]", ((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 124: // STATE 125 - portal.pml:255 - [holder[m] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][125] = 1;
		(trpt+1)->bup.oval = ((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.holder[ Index(((P4 *)_this)->m, 2) ] = 0;
#ifdef VAR_RANGES
		logval("holder[Mailer:m]", ((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 125: // STATE 126 - portal.pml:255 - [lease_out[m] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][126] = 1;
		(trpt+1)->bup.oval = ((int)now.lease_out[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.lease_out[ Index(((P4 *)_this)->m, 2) ] = 0;
#ifdef VAR_RANGES
		logval("lease_out[Mailer:m]", ((int)now.lease_out[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 126: // STATE 127 - portal.pml:256 - [((attempts[m]<2))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][127] = 1;
		if (!((((int)now.attempts[ Index(((int)((P4 *)_this)->m), 2) ])<2)))
			continue;
		_m = 3; goto P999; /* 0 */
	case 127: // STATE 128 - portal.pml:68 - [assert((final_status[m]==0))] (0:0:0 - 1)
		IfNotBlocked
		reached[4][128] = 1;
		spin_assert((((int)now.final_status[ Index(((int)((P4 *)_this)->m), 2) ])==0), "(final_status[m]==0)", II, tt, t);
		_m = 3; goto P999; /* 0 */
	case 128: // STATE 129 - portal.pml:69 - [status[m] = 4] (0:0:1 - 1)
		IfNotBlocked
		reached[4][129] = 1;
		(trpt+1)->bup.oval = ((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.status[ Index(((P4 *)_this)->m, 2) ] = 4;
#ifdef VAR_RANGES
		logval("status[Mailer:m]", ((int)now.status[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 129: // STATE 130 - portal.pml:69 - [holder[m] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][130] = 1;
		(trpt+1)->bup.oval = ((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.holder[ Index(((P4 *)_this)->m, 2) ] = 0;
#ifdef VAR_RANGES
		logval("holder[Mailer:m]", ((int)now.holder[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 130: // STATE 131 - portal.pml:69 - [lease_out[m] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][131] = 1;
		(trpt+1)->bup.oval = ((int)now.lease_out[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.lease_out[ Index(((P4 *)_this)->m, 2) ] = 0;
#ifdef VAR_RANGES
		logval("lease_out[Mailer:m]", ((int)now.lease_out[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 131: // STATE 132 - portal.pml:70 - [final_status[m] = 4] (0:0:1 - 1)
		IfNotBlocked
		reached[4][132] = 1;
		(trpt+1)->bup.oval = ((int)now.final_status[ Index(((int)((P4 *)_this)->m), 2) ]);
		now.final_status[ Index(((P4 *)_this)->m, 2) ] = 4;
#ifdef VAR_RANGES
		logval("final_status[Mailer:m]", ((int)now.final_status[ Index(((int)((P4 *)_this)->m), 2) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 132: // STATE 139 - portal.pml:260 - [midsend[me] = 0] (0:0:1 - 6)
		IfNotBlocked
		reached[4][139] = 1;
		(trpt+1)->bup.oval = ((int)now.midsend[ Index(((int)((P4 *)_this)->me), 3) ]);
		now.midsend[ Index(((P4 *)_this)->me, 3) ] = 0;
#ifdef VAR_RANGES
		logval("midsend[Mailer:me]", ((int)now.midsend[ Index(((int)((P4 *)_this)->me), 3) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 133: // STATE 140 - portal.pml:260 - [lost[me] = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[4][140] = 1;
		(trpt+1)->bup.oval = ((int)now.lost[ Index(((int)((P4 *)_this)->me), 3) ]);
		now.lost[ Index(((P4 *)_this)->me, 3) ] = 0;
#ifdef VAR_RANGES
		logval("lost[Mailer:me]", ((int)now.lost[ Index(((int)((P4 *)_this)->me), 3) ]));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 134: // STATE 147 - portal.pml:265 - [m = (m+1)] (0:0:1 - 5)
		IfNotBlocked
		reached[4][147] = 1;
		(trpt+1)->bup.oval = ((int)((P4 *)_this)->m);
		((P4 *)_this)->m = (((int)((P4 *)_this)->m)+1);
#ifdef VAR_RANGES
		logval("Mailer:m", ((int)((P4 *)_this)->m));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 135: // STATE 151 - portal.pml:267 - [batch = 0] (0:0:1 - 3)
		IfNotBlocked
		reached[4][151] = 1;
		(trpt+1)->bup.oval = ((int)((P4 *)_this)->batch);
		((P4 *)_this)->batch = 0;
#ifdef VAR_RANGES
		logval("Mailer:batch", ((int)((P4 *)_this)->batch));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 136: // STATE 166 - portal.pml:280 - [-end-] (0:0:0 - 1)
		IfNotBlocked
		reached[4][166] = 1;
		if (!delproc(1, II)) continue;
		_m = 3; goto P999; /* 0 */

		 /* PROC Crasher */
	case 137: // STATE 1 - portal.pml:143 - [((faults<1))] (0:0:0 - 1)
		IfNotBlocked
		reached[3][1] = 1;
		if (!((((int)now.faults)<1)))
			continue;
		_m = 3; goto P999; /* 0 */
	case 138: // STATE 2 - portal.pml:143 - [p = 1] (0:11:3 - 1)
		IfNotBlocked
		reached[3][2] = 1;
		(trpt+1)->bup.ovals = grab_ints(3);
		(trpt+1)->bup.ovals[0] = ((int)((P3 *)_this)->p);
		((P3 *)_this)->p = 1;
#ifdef VAR_RANGES
		logval("Crasher:p", ((int)((P3 *)_this)->p));
#endif
		;
		/* merge: .(goto)(11, 5, 11) */
		reached[3][5] = 1;
		;
		/* merge: crash[p] = 1(11, 6, 11) */
		reached[3][6] = 1;
		(trpt+1)->bup.ovals[1] = ((int)now.crash[ Index(((int)((P3 *)_this)->p), 3) ]);
		now.crash[ Index(((P3 *)_this)->p, 3) ] = 1;
#ifdef VAR_RANGES
		logval("crash[Crasher:p]", ((int)now.crash[ Index(((int)((P3 *)_this)->p), 3) ]));
#endif
		;
		/* merge: faults = (faults+1)(11, 7, 11) */
		reached[3][7] = 1;
		(trpt+1)->bup.ovals[2] = ((int)now.faults);
		now.faults = (((int)now.faults)+1);
#ifdef VAR_RANGES
		logval("faults", ((int)now.faults));
#endif
		;
		/* merge: .(goto)(0, 12, 11) */
		reached[3][12] = 1;
		;
		_m = 3; goto P999; /* 4 */
	case 139: // STATE 3 - portal.pml:143 - [p = 2] (0:11:3 - 1)
		IfNotBlocked
		reached[3][3] = 1;
		(trpt+1)->bup.ovals = grab_ints(3);
		(trpt+1)->bup.ovals[0] = ((int)((P3 *)_this)->p);
		((P3 *)_this)->p = 2;
#ifdef VAR_RANGES
		logval("Crasher:p", ((int)((P3 *)_this)->p));
#endif
		;
		/* merge: .(goto)(11, 5, 11) */
		reached[3][5] = 1;
		;
		/* merge: crash[p] = 1(11, 6, 11) */
		reached[3][6] = 1;
		(trpt+1)->bup.ovals[1] = ((int)now.crash[ Index(((int)((P3 *)_this)->p), 3) ]);
		now.crash[ Index(((P3 *)_this)->p, 3) ] = 1;
#ifdef VAR_RANGES
		logval("crash[Crasher:p]", ((int)now.crash[ Index(((int)((P3 *)_this)->p), 3) ]));
#endif
		;
		/* merge: faults = (faults+1)(11, 7, 11) */
		reached[3][7] = 1;
		(trpt+1)->bup.ovals[2] = ((int)now.faults);
		now.faults = (((int)now.faults)+1);
#ifdef VAR_RANGES
		logval("faults", ((int)now.faults));
#endif
		;
		/* merge: .(goto)(0, 12, 11) */
		reached[3][12] = 1;
		;
		_m = 3; goto P999; /* 4 */
	case 140: // STATE 6 - portal.pml:143 - [crash[p] = 1] (0:11:2 - 3)
		IfNotBlocked
		reached[3][6] = 1;
		(trpt+1)->bup.ovals = grab_ints(2);
		(trpt+1)->bup.ovals[0] = ((int)now.crash[ Index(((int)((P3 *)_this)->p), 3) ]);
		now.crash[ Index(((P3 *)_this)->p, 3) ] = 1;
#ifdef VAR_RANGES
		logval("crash[Crasher:p]", ((int)now.crash[ Index(((int)((P3 *)_this)->p), 3) ]));
#endif
		;
		/* merge: faults = (faults+1)(11, 7, 11) */
		reached[3][7] = 1;
		(trpt+1)->bup.ovals[1] = ((int)now.faults);
		now.faults = (((int)now.faults)+1);
#ifdef VAR_RANGES
		logval("faults", ((int)now.faults));
#endif
		;
		/* merge: .(goto)(0, 12, 11) */
		reached[3][12] = 1;
		;
		_m = 3; goto P999; /* 2 */
	case 141: // STATE 9 - portal.pml:144 - [((faults>=1))] (0:0:0 - 1)
		IfNotBlocked
		reached[3][9] = 1;
		if (!((((int)now.faults)>=1)))
			continue;
		_m = 3; goto P999; /* 0 */
	case 142: // STATE 14 - portal.pml:146 - [-end-] (0:0:0 - 3)
		IfNotBlocked
		reached[3][14] = 1;
		if (!delproc(1, II)) continue;
		_m = 3; goto P999; /* 0 */

		 /* PROC Monitor */
	case 143: // STATE 1 - portal.pml:134 - [((((final_status[0]!=0)&&(status[0]!=final_status[0]))||((final_status[1]!=0)&&(status[1]!=final_status[1]))))] (4:0:0 - 1)
		IfNotBlocked
		reached[2][1] = 1;
		if (!((((((int)now.final_status[0])!=0)&&(((int)now.status[0])!=((int)now.final_status[0])))||((((int)now.final_status[1])!=0)&&(((int)now.status[1])!=((int)now.final_status[1]))))))
			continue;
		/* merge: assert(0)(0, 2, 4) */
		reached[2][2] = 1;
		spin_assert(0, "0", II, tt, t);
		_m = 3; goto P999; /* 1 */
	case 144: // STATE 4 - portal.pml:137 - [-end-] (0:0:0 - 1)
		IfNotBlocked
		reached[2][4] = 1;
		if (!delproc(1, II)) continue;
		_m = 3; goto P999; /* 0 */

		 /* PROC Clock */
	case 145: // STATE 1 - portal.pml:124 - [((issued[0]&&!(expired[0])))] (27:0:1 - 1)
		IfNotBlocked
		reached[1][1] = 1;
		if (!((((int)now.issued[0])&& !(((int)now.expired[0])))))
			continue;
		/* merge: expired[0] = 1(0, 2, 27) */
		reached[1][2] = 1;
		(trpt+1)->bup.oval = ((int)now.expired[0]);
		now.expired[0] = 1;
#ifdef VAR_RANGES
		logval("expired[0]", ((int)now.expired[0]));
#endif
		;
		/* merge: .(goto)(0, 28, 27) */
		reached[1][28] = 1;
		;
		_m = 3; goto P999; /* 2 */
	case 146: // STATE 4 - portal.pml:125 - [((issued[1]&&!(expired[1])))] (27:0:1 - 1)
		IfNotBlocked
		reached[1][4] = 1;
		if (!((((int)now.issued[1])&& !(((int)now.expired[1])))))
			continue;
		/* merge: expired[1] = 1(0, 5, 27) */
		reached[1][5] = 1;
		(trpt+1)->bup.oval = ((int)now.expired[1]);
		now.expired[1] = 1;
#ifdef VAR_RANGES
		logval("expired[1]", ((int)now.expired[1]));
#endif
		;
		/* merge: .(goto)(0, 28, 27) */
		reached[1][28] = 1;
		;
		_m = 3; goto P999; /* 2 */
	case 147: // STATE 7 - portal.pml:126 - [((((status[0]==2)&&!(lease_out[0]))&&((midsend[holder[0]]!=(0+1))||(faults<1))))] (0:0:0 - 1)
		IfNotBlocked
		reached[1][7] = 1;
		if (!((((((int)now.status[0])==2)&& !(((int)now.lease_out[0])))&&((((int)now.midsend[ Index(((int)now.holder[0]), 3) ])!=(0+1))||(((int)now.faults)<1)))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 148: // STATE 8 - portal.pml:126 - [((midsend[holder[0]]==(0+1)))] (27:0:4 - 1)
		IfNotBlocked
		reached[1][8] = 1;
		if (!((((int)now.midsend[ Index(((int)now.holder[0]), 3) ])==(0+1))))
			continue;
		/* merge: faults = (faults+1)(27, 9, 27) */
		reached[1][9] = 1;
		(trpt+1)->bup.ovals = grab_ints(4);
		(trpt+1)->bup.ovals[0] = ((int)now.faults);
		now.faults = (((int)now.faults)+1);
#ifdef VAR_RANGES
		logval("faults", ((int)now.faults));
#endif
		;
		/* merge: interrupted[0] = (interrupted[0]+1)(27, 10, 27) */
		reached[1][10] = 1;
		(trpt+1)->bup.ovals[1] = ((int)now.interrupted[0]);
		now.interrupted[0] = (((int)now.interrupted[0])+1);
#ifdef VAR_RANGES
		logval("interrupted[0]", ((int)now.interrupted[0]));
#endif
		;
		/* merge: lost[holder[0]] = 1(27, 11, 27) */
		reached[1][11] = 1;
		(trpt+1)->bup.ovals[2] = ((int)now.lost[ Index(((int)now.holder[0]), 3) ]);
		now.lost[ Index(now.holder[0], 3) ] = 1;
#ifdef VAR_RANGES
		logval("lost[holder[0]]", ((int)now.lost[ Index(((int)now.holder[0]), 3) ]));
#endif
		;
		/* merge: .(goto)(27, 14, 27) */
		reached[1][14] = 1;
		;
		/* merge: lease_out[0] = 1(27, 15, 27) */
		reached[1][15] = 1;
		(trpt+1)->bup.ovals[3] = ((int)now.lease_out[0]);
		now.lease_out[0] = 1;
#ifdef VAR_RANGES
		logval("lease_out[0]", ((int)now.lease_out[0]));
#endif
		;
		/* merge: .(goto)(0, 28, 27) */
		reached[1][28] = 1;
		;
		_m = 3; goto P999; /* 6 */
	case 149: // STATE 14 - portal.pml:126 - [.(goto)] (0:27:1 - 2)
		IfNotBlocked
		reached[1][14] = 1;
		;
		/* merge: lease_out[0] = 1(27, 15, 27) */
		reached[1][15] = 1;
		(trpt+1)->bup.oval = ((int)now.lease_out[0]);
		now.lease_out[0] = 1;
#ifdef VAR_RANGES
		logval("lease_out[0]", ((int)now.lease_out[0]));
#endif
		;
		/* merge: .(goto)(0, 28, 27) */
		reached[1][28] = 1;
		;
		_m = 3; goto P999; /* 2 */
	case 150: // STATE 17 - portal.pml:127 - [((((status[1]==2)&&!(lease_out[1]))&&((midsend[holder[1]]!=(1+1))||(faults<1))))] (0:0:0 - 1)
		IfNotBlocked
		reached[1][17] = 1;
		if (!((((((int)now.status[1])==2)&& !(((int)now.lease_out[1])))&&((((int)now.midsend[ Index(((int)now.holder[1]), 3) ])!=(1+1))||(((int)now.faults)<1)))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 151: // STATE 18 - portal.pml:127 - [((midsend[holder[1]]==(1+1)))] (27:0:4 - 1)
		IfNotBlocked
		reached[1][18] = 1;
		if (!((((int)now.midsend[ Index(((int)now.holder[1]), 3) ])==(1+1))))
			continue;
		/* merge: faults = (faults+1)(27, 19, 27) */
		reached[1][19] = 1;
		(trpt+1)->bup.ovals = grab_ints(4);
		(trpt+1)->bup.ovals[0] = ((int)now.faults);
		now.faults = (((int)now.faults)+1);
#ifdef VAR_RANGES
		logval("faults", ((int)now.faults));
#endif
		;
		/* merge: interrupted[1] = (interrupted[1]+1)(27, 20, 27) */
		reached[1][20] = 1;
		(trpt+1)->bup.ovals[1] = ((int)now.interrupted[1]);
		now.interrupted[1] = (((int)now.interrupted[1])+1);
#ifdef VAR_RANGES
		logval("interrupted[1]", ((int)now.interrupted[1]));
#endif
		;
		/* merge: lost[holder[1]] = 1(27, 21, 27) */
		reached[1][21] = 1;
		(trpt+1)->bup.ovals[2] = ((int)now.lost[ Index(((int)now.holder[1]), 3) ]);
		now.lost[ Index(now.holder[1], 3) ] = 1;
#ifdef VAR_RANGES
		logval("lost[holder[1]]", ((int)now.lost[ Index(((int)now.holder[1]), 3) ]));
#endif
		;
		/* merge: .(goto)(27, 24, 27) */
		reached[1][24] = 1;
		;
		/* merge: lease_out[1] = 1(27, 25, 27) */
		reached[1][25] = 1;
		(trpt+1)->bup.ovals[3] = ((int)now.lease_out[1]);
		now.lease_out[1] = 1;
#ifdef VAR_RANGES
		logval("lease_out[1]", ((int)now.lease_out[1]));
#endif
		;
		/* merge: .(goto)(0, 28, 27) */
		reached[1][28] = 1;
		;
		_m = 3; goto P999; /* 6 */
	case 152: // STATE 24 - portal.pml:127 - [.(goto)] (0:27:1 - 2)
		IfNotBlocked
		reached[1][24] = 1;
		;
		/* merge: lease_out[1] = 1(27, 25, 27) */
		reached[1][25] = 1;
		(trpt+1)->bup.oval = ((int)now.lease_out[1]);
		now.lease_out[1] = 1;
#ifdef VAR_RANGES
		logval("lease_out[1]", ((int)now.lease_out[1]));
#endif
		;
		/* merge: .(goto)(0, 28, 27) */
		reached[1][28] = 1;
		;
		_m = 3; goto P999; /* 2 */
	case 153: // STATE 30 - portal.pml:129 - [-end-] (0:0:0 - 1)
		IfNotBlocked
		reached[1][30] = 1;
		if (!delproc(1, II)) continue;
		_m = 3; goto P999; /* 0 */

		 /* PROC Staff */
	case 154: // STATE 1 - portal.pml:77 - [i = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[0][1] = 1;
		(trpt+1)->bup.oval = ((int)((P0 *)_this)->i);
		((P0 *)_this)->i = 0;
#ifdef VAR_RANGES
		logval("Staff:i", ((int)((P0 *)_this)->i));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 155: // STATE 2 - portal.pml:77 - [((i<=(2-1)))] (0:0:0 - 1)
		IfNotBlocked
		reached[0][2] = 1;
		if (!((((int)((P0 *)_this)->i)<=(2-1))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 156: // STATE 3 - portal.pml:79 - [((((issued[i]&&(ttype[i]==1))&&!(used[i]))&&!(revoked[i])))] (11:0:2 - 1)
		IfNotBlocked
		reached[0][3] = 1;
		if (!((((((int)now.issued[ Index(((int)((P0 *)_this)->i), 2) ])&&(((int)now.ttype[ Index(((int)((P0 *)_this)->i), 2) ])==1))&& !(((int)now.used[ Index(((int)((P0 *)_this)->i), 2) ])))&& !(((int)now.revoked[ Index(((int)((P0 *)_this)->i), 2) ])))))
			continue;
		/* merge: revoked[i] = 1(11, 4, 11) */
		reached[0][4] = 1;
		(trpt+1)->bup.ovals = grab_ints(2);
		(trpt+1)->bup.ovals[0] = ((int)now.revoked[ Index(((int)((P0 *)_this)->i), 2) ]);
		now.revoked[ Index(((P0 *)_this)->i, 2) ] = 1;
#ifdef VAR_RANGES
		logval("revoked[Staff:i]", ((int)now.revoked[ Index(((int)((P0 *)_this)->i), 2) ]));
#endif
		;
		/* merge: .(goto)(11, 7, 11) */
		reached[0][7] = 1;
		;
		/* merge: i = (i+1)(11, 8, 11) */
		reached[0][8] = 1;
		(trpt+1)->bup.ovals[1] = ((int)((P0 *)_this)->i);
		((P0 *)_this)->i = (((int)((P0 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Staff:i", ((int)((P0 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 12, 11) */
		reached[0][12] = 1;
		;
		_m = 3; goto P999; /* 4 */
	case 157: // STATE 8 - portal.pml:77 - [i = (i+1)] (0:11:1 - 3)
		IfNotBlocked
		reached[0][8] = 1;
		(trpt+1)->bup.oval = ((int)((P0 *)_this)->i);
		((P0 *)_this)->i = (((int)((P0 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Staff:i", ((int)((P0 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 12, 11) */
		reached[0][12] = 1;
		;
		_m = 3; goto P999; /* 1 */
	case 158: // STATE 14 - portal.pml:83 - [issued[0] = 1] (0:57:3 - 3)
		IfNotBlocked
		reached[0][14] = 1;
		(trpt+1)->bup.ovals = grab_ints(3);
		(trpt+1)->bup.ovals[0] = ((int)now.issued[0]);
		now.issued[0] = 1;
#ifdef VAR_RANGES
		logval("issued[0]", ((int)now.issued[0]));
#endif
		;
		/* merge: ttype[0] = 1(57, 15, 57) */
		reached[0][15] = 1;
		(trpt+1)->bup.ovals[1] = ((int)now.ttype[0]);
		now.ttype[0] = 1;
#ifdef VAR_RANGES
		logval("ttype[0]", ((int)now.ttype[0]));
#endif
		;
		/* merge: status[0] = 1(57, 16, 57) */
		reached[0][16] = 1;
		(trpt+1)->bup.ovals[2] = ((int)now.status[0]);
		now.status[0] = 1;
#ifdef VAR_RANGES
		logval("status[0]", ((int)now.status[0]));
#endif
		;
		_m = 3; goto P999; /* 2 */
	case 159: // STATE 19 - portal.pml:77 - [i = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[0][19] = 1;
		(trpt+1)->bup.oval = ((int)((P0 *)_this)->i);
		((P0 *)_this)->i = 0;
#ifdef VAR_RANGES
		logval("Staff:i", ((int)((P0 *)_this)->i));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 160: // STATE 20 - portal.pml:77 - [((i<=(2-1)))] (0:0:0 - 1)
		IfNotBlocked
		reached[0][20] = 1;
		if (!((((int)((P0 *)_this)->i)<=(2-1))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 161: // STATE 21 - portal.pml:79 - [((((issued[i]&&(ttype[i]==1))&&!(used[i]))&&!(revoked[i])))] (29:0:2 - 1)
		IfNotBlocked
		reached[0][21] = 1;
		if (!((((((int)now.issued[ Index(((int)((P0 *)_this)->i), 2) ])&&(((int)now.ttype[ Index(((int)((P0 *)_this)->i), 2) ])==1))&& !(((int)now.used[ Index(((int)((P0 *)_this)->i), 2) ])))&& !(((int)now.revoked[ Index(((int)((P0 *)_this)->i), 2) ])))))
			continue;
		/* merge: revoked[i] = 1(29, 22, 29) */
		reached[0][22] = 1;
		(trpt+1)->bup.ovals = grab_ints(2);
		(trpt+1)->bup.ovals[0] = ((int)now.revoked[ Index(((int)((P0 *)_this)->i), 2) ]);
		now.revoked[ Index(((P0 *)_this)->i, 2) ] = 1;
#ifdef VAR_RANGES
		logval("revoked[Staff:i]", ((int)now.revoked[ Index(((int)((P0 *)_this)->i), 2) ]));
#endif
		;
		/* merge: .(goto)(29, 25, 29) */
		reached[0][25] = 1;
		;
		/* merge: i = (i+1)(29, 26, 29) */
		reached[0][26] = 1;
		(trpt+1)->bup.ovals[1] = ((int)((P0 *)_this)->i);
		((P0 *)_this)->i = (((int)((P0 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Staff:i", ((int)((P0 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 30, 29) */
		reached[0][30] = 1;
		;
		_m = 3; goto P999; /* 4 */
	case 162: // STATE 26 - portal.pml:77 - [i = (i+1)] (0:29:1 - 3)
		IfNotBlocked
		reached[0][26] = 1;
		(trpt+1)->bup.oval = ((int)((P0 *)_this)->i);
		((P0 *)_this)->i = (((int)((P0 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Staff:i", ((int)((P0 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 30, 29) */
		reached[0][30] = 1;
		;
		_m = 3; goto P999; /* 1 */
	case 163: // STATE 32 - portal.pml:83 - [issued[1] = 1] (0:76:3 - 3)
		IfNotBlocked
		reached[0][32] = 1;
		(trpt+1)->bup.ovals = grab_ints(3);
		(trpt+1)->bup.ovals[0] = ((int)now.issued[1]);
		now.issued[1] = 1;
#ifdef VAR_RANGES
		logval("issued[1]", ((int)now.issued[1]));
#endif
		;
		/* merge: ttype[1] = 1(76, 33, 76) */
		reached[0][33] = 1;
		(trpt+1)->bup.ovals[1] = ((int)now.ttype[1]);
		now.ttype[1] = 1;
#ifdef VAR_RANGES
		logval("ttype[1]", ((int)now.ttype[1]));
#endif
		;
		/* merge: status[1] = 1(76, 34, 76) */
		reached[0][34] = 1;
		(trpt+1)->bup.ovals[2] = ((int)now.status[1]);
		now.status[1] = 1;
#ifdef VAR_RANGES
		logval("status[1]", ((int)now.status[1]));
#endif
		;
		/* merge: .(goto)(0, 58, 76) */
		reached[0][58] = 1;
		;
		_m = 3; goto P999; /* 3 */
	case 164: // STATE 37 - portal.pml:100 - [(user_active)] (0:0:0 - 1)
		IfNotBlocked
		reached[0][37] = 1;
		if (!(((int)now.user_active)))
			continue;
		_m = 3; goto P999; /* 0 */
	case 165: // STATE 38 - portal.pml:77 - [i = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[0][38] = 1;
		(trpt+1)->bup.oval = ((int)((P0 *)_this)->i);
		((P0 *)_this)->i = 0;
#ifdef VAR_RANGES
		logval("Staff:i", ((int)((P0 *)_this)->i));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 166: // STATE 39 - portal.pml:77 - [((i<=(2-1)))] (0:0:0 - 1)
		IfNotBlocked
		reached[0][39] = 1;
		if (!((((int)((P0 *)_this)->i)<=(2-1))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 167: // STATE 40 - portal.pml:79 - [((((issued[i]&&(ttype[i]==2))&&!(used[i]))&&!(revoked[i])))] (48:0:2 - 1)
		IfNotBlocked
		reached[0][40] = 1;
		if (!((((((int)now.issued[ Index(((int)((P0 *)_this)->i), 2) ])&&(((int)now.ttype[ Index(((int)((P0 *)_this)->i), 2) ])==2))&& !(((int)now.used[ Index(((int)((P0 *)_this)->i), 2) ])))&& !(((int)now.revoked[ Index(((int)((P0 *)_this)->i), 2) ])))))
			continue;
		/* merge: revoked[i] = 1(48, 41, 48) */
		reached[0][41] = 1;
		(trpt+1)->bup.ovals = grab_ints(2);
		(trpt+1)->bup.ovals[0] = ((int)now.revoked[ Index(((int)((P0 *)_this)->i), 2) ]);
		now.revoked[ Index(((P0 *)_this)->i, 2) ] = 1;
#ifdef VAR_RANGES
		logval("revoked[Staff:i]", ((int)now.revoked[ Index(((int)((P0 *)_this)->i), 2) ]));
#endif
		;
		/* merge: .(goto)(48, 44, 48) */
		reached[0][44] = 1;
		;
		/* merge: i = (i+1)(48, 45, 48) */
		reached[0][45] = 1;
		(trpt+1)->bup.ovals[1] = ((int)((P0 *)_this)->i);
		((P0 *)_this)->i = (((int)((P0 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Staff:i", ((int)((P0 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 49, 48) */
		reached[0][49] = 1;
		;
		_m = 3; goto P999; /* 4 */
	case 168: // STATE 45 - portal.pml:77 - [i = (i+1)] (0:48:1 - 3)
		IfNotBlocked
		reached[0][45] = 1;
		(trpt+1)->bup.oval = ((int)((P0 *)_this)->i);
		((P0 *)_this)->i = (((int)((P0 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Staff:i", ((int)((P0 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 49, 48) */
		reached[0][49] = 1;
		;
		_m = 3; goto P999; /* 1 */
	case 169: // STATE 51 - portal.pml:83 - [issued[1] = 1] (0:76:3 - 3)
		IfNotBlocked
		reached[0][51] = 1;
		(trpt+1)->bup.ovals = grab_ints(3);
		(trpt+1)->bup.ovals[0] = ((int)now.issued[1]);
		now.issued[1] = 1;
#ifdef VAR_RANGES
		logval("issued[1]", ((int)now.issued[1]));
#endif
		;
		/* merge: ttype[1] = 2(76, 52, 76) */
		reached[0][52] = 1;
		(trpt+1)->bup.ovals[1] = ((int)now.ttype[1]);
		now.ttype[1] = 2;
#ifdef VAR_RANGES
		logval("ttype[1]", ((int)now.ttype[1]));
#endif
		;
		/* merge: status[1] = 1(76, 53, 76) */
		reached[0][53] = 1;
		(trpt+1)->bup.ovals[2] = ((int)now.status[1]);
		now.status[1] = 1;
#ifdef VAR_RANGES
		logval("status[1]", ((int)now.status[1]));
#endif
		;
		/* merge: .(goto)(0, 58, 76) */
		reached[0][58] = 1;
		;
		_m = 3; goto P999; /* 3 */
	case 170: // STATE 59 - portal.pml:104 - [user_active = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[0][59] = 1;
		(trpt+1)->bup.oval = ((int)now.user_active);
		now.user_active = 0;
#ifdef VAR_RANGES
		logval("user_active", ((int)now.user_active));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 171: // STATE 60 - portal.pml:87 - [i = 0] (0:0:1 - 1)
		IfNotBlocked
		reached[0][60] = 1;
		(trpt+1)->bup.oval = ((int)((P0 *)_this)->i);
		((P0 *)_this)->i = 0;
#ifdef VAR_RANGES
		logval("Staff:i", ((int)((P0 *)_this)->i));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 172: // STATE 61 - portal.pml:87 - [((i<=(2-1)))] (0:0:0 - 1)
		IfNotBlocked
		reached[0][61] = 1;
		if (!((((int)((P0 *)_this)->i)<=(2-1))))
			continue;
		_m = 3; goto P999; /* 0 */
	case 173: // STATE 62 - portal.pml:89 - [(((issued[i]&&!(used[i]))&&!(revoked[i])))] (70:0:2 - 1)
		IfNotBlocked
		reached[0][62] = 1;
		if (!(((((int)now.issued[ Index(((int)((P0 *)_this)->i), 2) ])&& !(((int)now.used[ Index(((int)((P0 *)_this)->i), 2) ])))&& !(((int)now.revoked[ Index(((int)((P0 *)_this)->i), 2) ])))))
			continue;
		/* merge: revoked[i] = 1(70, 63, 70) */
		reached[0][63] = 1;
		(trpt+1)->bup.ovals = grab_ints(2);
		(trpt+1)->bup.ovals[0] = ((int)now.revoked[ Index(((int)((P0 *)_this)->i), 2) ]);
		now.revoked[ Index(((P0 *)_this)->i, 2) ] = 1;
#ifdef VAR_RANGES
		logval("revoked[Staff:i]", ((int)now.revoked[ Index(((int)((P0 *)_this)->i), 2) ]));
#endif
		;
		/* merge: .(goto)(70, 66, 70) */
		reached[0][66] = 1;
		;
		/* merge: i = (i+1)(70, 67, 70) */
		reached[0][67] = 1;
		(trpt+1)->bup.ovals[1] = ((int)((P0 *)_this)->i);
		((P0 *)_this)->i = (((int)((P0 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Staff:i", ((int)((P0 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 71, 70) */
		reached[0][71] = 1;
		;
		_m = 3; goto P999; /* 4 */
	case 174: // STATE 67 - portal.pml:87 - [i = (i+1)] (0:70:1 - 3)
		IfNotBlocked
		reached[0][67] = 1;
		(trpt+1)->bup.oval = ((int)((P0 *)_this)->i);
		((P0 *)_this)->i = (((int)((P0 *)_this)->i)+1);
#ifdef VAR_RANGES
		logval("Staff:i", ((int)((P0 *)_this)->i));
#endif
		;
		/* merge: .(goto)(0, 71, 70) */
		reached[0][71] = 1;
		;
		_m = 3; goto P999; /* 1 */
	case 175: // STATE 78 - portal.pml:107 - [staff_done = 1] (0:0:1 - 3)
		IfNotBlocked
		reached[0][78] = 1;
		(trpt+1)->bup.oval = ((int)now.staff_done);
		now.staff_done = 1;
#ifdef VAR_RANGES
		logval("staff_done", ((int)now.staff_done));
#endif
		;
		_m = 3; goto P999; /* 0 */
	case 176: // STATE 79 - portal.pml:108 - [-end-] (0:0:0 - 1)
		IfNotBlocked
		reached[0][79] = 1;
		if (!delproc(1, II)) continue;
		_m = 3; goto P999; /* 0 */
	case  _T5:	/* np_ */
		if (!((!(trpt->o_pm&4) && !(trpt->tau&128))))
			continue;
		/* else fall through */
	case  _T2:	/* true */
		_m = 3; goto P999;
#undef rand
	}

