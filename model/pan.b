	switch (t->back) {
	default: Uerror("bad return move");
	case  0: goto R999; /* nothing to undo */

		 /* CLAIM no_mail_lost */
;
		;
		
	case 4: // STATE 13
		;
		p_restor(II);
		;
		;
		goto R999;

		 /* PROC :init: */

	case 5: // STATE 1
		;
		((P6 *)_this)->i = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 7: // STATE 3
		;
		;
		delproc(0, now._nr_pr-1);
		;
		goto R999;

	case 8: // STATE 4
		;
		((P6 *)_this)->i = trpt->bup.oval;
		;
		goto R999;

	case 9: // STATE 10
		;
		((P6 *)_this)->i = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 11: // STATE 12
		;
		;
		delproc(0, now._nr_pr-1);
		;
		goto R999;

	case 12: // STATE 13
		;
		((P6 *)_this)->i = trpt->bup.oval;
		;
		goto R999;

	case 13: // STATE 20
		;
		p_restor(II);
		;
		;
		goto R999;

		 /* PROC Gateway */
;
		;
		
	case 15: // STATE 6
		;
		now.consumed[0] = trpt->bup.ovals[1];
		now.used[0] = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 2);
		goto R999;

	case 16: // STATE 7
		;
		((P5 *)_this)->i = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 18: // STATE 14
		;
		((P5 *)_this)->i = trpt->bup.ovals[1];
		now.revoked[ Index(((P5 *)_this)->i, 2) ] = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 2);
		goto R999;

	case 19: // STATE 14
		;
		((P5 *)_this)->i = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 21: // STATE 30
		;
		now.consumed[0] = trpt->bup.ovals[1];
		now.used[0] = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 2);
		goto R999;

	case 22: // STATE 31
		;
		((P5 *)_this)->i = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 24: // STATE 38
		;
		((P5 *)_this)->i = trpt->bup.ovals[1];
		now.revoked[ Index(((P5 *)_this)->i, 2) ] = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 2);
		goto R999;

	case 25: // STATE 38
		;
		((P5 *)_this)->i = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 27: // STATE 54
		;
		now.consumed[1] = trpt->bup.ovals[1];
		now.used[1] = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 2);
		goto R999;

	case 28: // STATE 55
		;
		((P5 *)_this)->i = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 30: // STATE 62
		;
		((P5 *)_this)->i = trpt->bup.ovals[1];
		now.revoked[ Index(((P5 *)_this)->i, 2) ] = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 2);
		goto R999;

	case 31: // STATE 62
		;
		((P5 *)_this)->i = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 33: // STATE 78
		;
		now.consumed[1] = trpt->bup.ovals[1];
		now.used[1] = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 2);
		goto R999;

	case 34: // STATE 79
		;
		((P5 *)_this)->i = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 36: // STATE 86
		;
		((P5 *)_this)->i = trpt->bup.ovals[1];
		now.revoked[ Index(((P5 *)_this)->i, 2) ] = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 2);
		goto R999;

	case 37: // STATE 86
		;
		((P5 *)_this)->i = trpt->bup.oval;
		;
		goto R999;

	case 38: // STATE 100
		;
		p_restor(II);
		;
		;
		goto R999;

		 /* PROC Mailer */

	case 39: // STATE 1
		;
		((P4 *)_this)->batch = trpt->bup.oval;
		;
		goto R999;

	case 40: // STATE 2
		;
		now.midsend[ Index(((P4 *)_this)->me, 3) ] = trpt->bup.oval;
		;
		goto R999;

	case 41: // STATE 3
		;
		now.delivered[ Index(((P4 *)_this)->me, 3) ] = trpt->bup.oval;
		;
		goto R999;

	case 42: // STATE 4
		;
		now.lost[ Index(((P4 *)_this)->me, 3) ] = trpt->bup.oval;
		;
		goto R999;

	case 43: // STATE 5
		;
		((P4 *)_this)->i = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 45: // STATE 153
		;
		now.crash[ Index(((P4 *)_this)->me, 3) ] = trpt->bup.oval;
		;
		goto R999;

	case 46: // STATE 155
		;
		now.interrupted[ Index((now.delivered[ Index(((P4 *)_this)->me, 3) ]-1), 2) ] = trpt->bup.oval;
		;
		goto R999;
;
		
	case 47: // STATE 158
		goto R999;
;
		;
		;
		;
		
	case 50: // STATE 8
		;
		now.attempts[ Index(((P4 *)_this)->i, 2) ] = trpt->bup.oval;
		;
		goto R999;
;
		;
		;
		;
		
	case 53: // STATE 11
		;
		now.status[ Index(((P4 *)_this)->i, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 54: // STATE 12
		;
		now.holder[ Index(((P4 *)_this)->i, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 55: // STATE 13
		;
		now.lease_out[ Index(((P4 *)_this)->i, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 56: // STATE 14
		;
		now.final_status[ Index(((P4 *)_this)->i, 2) ] = trpt->bup.oval;
		;
		goto R999;
;
		;
		;
		;
		
	case 59: // STATE 18
		;
		now.status[ Index(((P4 *)_this)->i, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 60: // STATE 19
		;
		now.holder[ Index(((P4 *)_this)->i, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 61: // STATE 20
		;
		now.lease_out[ Index(((P4 *)_this)->i, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 62: // STATE 21
		;
		now.final_status[ Index(((P4 *)_this)->i, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 63: // STATE 24
		;
		now.status[ Index(((P4 *)_this)->i, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 64: // STATE 25
		;
		now.holder[ Index(((P4 *)_this)->i, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 65: // STATE 26
		;
		now.lease_out[ Index(((P4 *)_this)->i, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 66: // STATE 27
		;
		((P4 *)_this)->batch = trpt->bup.oval;
		;
		goto R999;

	case 67: // STATE 33
		;
		((P4 *)_this)->i = trpt->bup.oval;
		;
		goto R999;

	case 68: // STATE 40
		;
		((P4 *)_this)->m = trpt->bup.oval;
		;
		goto R999;

	case 69: // STATE 41
		;
	/* 0 */	((P4 *)_this)->m = trpt->bup.oval;
		;
		;
		goto R999;
;
		;
		
	case 71: // STATE 44
		;
		((P4 *)_this)->m = trpt->bup.oval;
		;
		goto R999;
;
		;
		;
		;
		;
		;
		
	case 75: // STATE 48
		;
		now.lease_out[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 76: // STATE 49
		;
		((P4 *)_this)->ok = trpt->bup.oval;
		;
		goto R999;

	case 77: // STATE 50
		;
		now.midsend[ Index(((P4 *)_this)->me, 3) ] = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 79: // STATE 53
		;
		now.status[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 80: // STATE 54
		;
		now.holder[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 81: // STATE 55
		;
		now.lease_out[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 82: // STATE 56
		;
		now.final_status[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 83: // STATE 58
		;
		((P4 *)_this)->ok = trpt->bup.oval;
		;
		goto R999;

	case 84: // STATE 62
		;
		((P4 *)_this)->ok = trpt->bup.oval;
		;
		goto R999;
;
		;
		;
		;
		
	case 87: // STATE 68
		;
		now.hash[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 89: // STATE 70
		;
		((P4 *)_this)->ok = trpt->bup.oval;
		;
		goto R999;
;
		;
		;
		;
		
	case 92: // STATE 73
		;
		now.status[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 93: // STATE 74
		;
		now.holder[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 94: // STATE 75
		;
		now.lease_out[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 95: // STATE 76
		;
		now.final_status[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 96: // STATE 81
		;
		now.midsend[ Index(((P4 *)_this)->me, 3) ] = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 98: // STATE 85
		;
		now.first_hash[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 100: // STATE 94
		;
	/* 0 */	((P4 *)_this)->ok = trpt->bup.oval;
		;
		;
		goto R999;
;
		;
		
	case 102: // STATE 96
		;
		now.sends[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 103: // STATE 97
		;
		now.link[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 104: // STATE 98
		;
		now.delivered[ Index(((P4 *)_this)->me, 3) ] = trpt->bup.oval;
		;
		goto R999;
;
		;
		;
		;
		;
		;
		
	case 108: // STATE 103
		;
		now.status[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 109: // STATE 104
		;
		now.holder[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 110: // STATE 105
		;
		now.lease_out[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 111: // STATE 106
		;
		now.final_status[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 112: // STATE 111
		;
		now.midsend[ Index(((P4 *)_this)->me, 3) ] = trpt->bup.oval;
		;
		goto R999;

	case 113: // STATE 112
		;
		now.delivered[ Index(((P4 *)_this)->me, 3) ] = trpt->bup.oval;
		;
		goto R999;

	case 114: // STATE 113
		;
		now.lost[ Index(((P4 *)_this)->me, 3) ] = trpt->bup.oval;
		;
		goto R999;
;
		;
		;
		;
		;
		;
		
	case 118: // STATE 118
		;
		now.status[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 119: // STATE 119
		;
		now.holder[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 120: // STATE 120
		;
		now.lease_out[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 121: // STATE 121
		;
		now.final_status[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 123: // STATE 124
		;
		now.status[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 124: // STATE 125
		;
		now.holder[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 125: // STATE 126
		;
		now.lease_out[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;
;
		;
		;
		;
		
	case 128: // STATE 129
		;
		now.status[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 129: // STATE 130
		;
		now.holder[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 130: // STATE 131
		;
		now.lease_out[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 131: // STATE 132
		;
		now.final_status[ Index(((P4 *)_this)->m, 2) ] = trpt->bup.oval;
		;
		goto R999;

	case 132: // STATE 139
		;
		now.midsend[ Index(((P4 *)_this)->me, 3) ] = trpt->bup.oval;
		;
		goto R999;

	case 133: // STATE 140
		;
		now.lost[ Index(((P4 *)_this)->me, 3) ] = trpt->bup.oval;
		;
		goto R999;

	case 134: // STATE 147
		;
		((P4 *)_this)->m = trpt->bup.oval;
		;
		goto R999;

	case 135: // STATE 151
		;
		((P4 *)_this)->batch = trpt->bup.oval;
		;
		goto R999;

	case 136: // STATE 166
		;
		p_restor(II);
		;
		;
		goto R999;

		 /* PROC Crasher */
;
		;
		
	case 138: // STATE 7
		;
		now.faults = trpt->bup.ovals[2];
		now.crash[ Index(((P3 *)_this)->p, 3) ] = trpt->bup.ovals[1];
		((P3 *)_this)->p = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 3);
		goto R999;

	case 139: // STATE 7
		;
		now.faults = trpt->bup.ovals[2];
		now.crash[ Index(((P3 *)_this)->p, 3) ] = trpt->bup.ovals[1];
		((P3 *)_this)->p = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 3);
		goto R999;

	case 140: // STATE 7
		;
		now.faults = trpt->bup.ovals[1];
		now.crash[ Index(((P3 *)_this)->p, 3) ] = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 2);
		goto R999;
;
		;
		
	case 142: // STATE 14
		;
		p_restor(II);
		;
		;
		goto R999;

		 /* PROC Monitor */
;
		
	case 143: // STATE 1
		goto R999;

	case 144: // STATE 4
		;
		p_restor(II);
		;
		;
		goto R999;

		 /* PROC Clock */

	case 145: // STATE 2
		;
		now.expired[0] = trpt->bup.oval;
		;
		goto R999;

	case 146: // STATE 5
		;
		now.expired[1] = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 148: // STATE 15
		;
		now.lease_out[0] = trpt->bup.ovals[3];
		now.lost[ Index(now.holder[0], 3) ] = trpt->bup.ovals[2];
		now.interrupted[0] = trpt->bup.ovals[1];
		now.faults = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 4);
		goto R999;

	case 149: // STATE 15
		;
		now.lease_out[0] = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 151: // STATE 25
		;
		now.lease_out[1] = trpt->bup.ovals[3];
		now.lost[ Index(now.holder[1], 3) ] = trpt->bup.ovals[2];
		now.interrupted[1] = trpt->bup.ovals[1];
		now.faults = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 4);
		goto R999;

	case 152: // STATE 25
		;
		now.lease_out[1] = trpt->bup.oval;
		;
		goto R999;

	case 153: // STATE 30
		;
		p_restor(II);
		;
		;
		goto R999;

		 /* PROC Staff */

	case 154: // STATE 1
		;
		((P0 *)_this)->i = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 156: // STATE 8
		;
		((P0 *)_this)->i = trpt->bup.ovals[1];
		now.revoked[ Index(((P0 *)_this)->i, 2) ] = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 2);
		goto R999;

	case 157: // STATE 8
		;
		((P0 *)_this)->i = trpt->bup.oval;
		;
		goto R999;

	case 158: // STATE 16
		;
		now.status[0] = trpt->bup.ovals[2];
		now.ttype[0] = trpt->bup.ovals[1];
		now.issued[0] = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 3);
		goto R999;

	case 159: // STATE 19
		;
		((P0 *)_this)->i = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 161: // STATE 26
		;
		((P0 *)_this)->i = trpt->bup.ovals[1];
		now.revoked[ Index(((P0 *)_this)->i, 2) ] = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 2);
		goto R999;

	case 162: // STATE 26
		;
		((P0 *)_this)->i = trpt->bup.oval;
		;
		goto R999;

	case 163: // STATE 34
		;
		now.status[1] = trpt->bup.ovals[2];
		now.ttype[1] = trpt->bup.ovals[1];
		now.issued[1] = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 3);
		goto R999;
;
		;
		
	case 165: // STATE 38
		;
		((P0 *)_this)->i = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 167: // STATE 45
		;
		((P0 *)_this)->i = trpt->bup.ovals[1];
		now.revoked[ Index(((P0 *)_this)->i, 2) ] = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 2);
		goto R999;

	case 168: // STATE 45
		;
		((P0 *)_this)->i = trpt->bup.oval;
		;
		goto R999;

	case 169: // STATE 53
		;
		now.status[1] = trpt->bup.ovals[2];
		now.ttype[1] = trpt->bup.ovals[1];
		now.issued[1] = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 3);
		goto R999;

	case 170: // STATE 59
		;
		now.user_active = trpt->bup.oval;
		;
		goto R999;

	case 171: // STATE 60
		;
		((P0 *)_this)->i = trpt->bup.oval;
		;
		goto R999;
;
		;
		
	case 173: // STATE 67
		;
		((P0 *)_this)->i = trpt->bup.ovals[1];
		now.revoked[ Index(((P0 *)_this)->i, 2) ] = trpt->bup.ovals[0];
		;
		ungrab_ints(trpt->bup.ovals, 2);
		goto R999;

	case 174: // STATE 67
		;
		((P0 *)_this)->i = trpt->bup.oval;
		;
		goto R999;

	case 175: // STATE 78
		;
		now.staff_done = trpt->bup.oval;
		;
		goto R999;

	case 176: // STATE 79
		;
		p_restor(II);
		;
		;
		goto R999;
	}

