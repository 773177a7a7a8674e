#ifdef PEG
struct T_SRC {
	char *fl; int ln;
} T_SRC[NTRANS];

void
tr_2_src(int m, char *file, int ln)
{	T_SRC[m].fl = file;
	T_SRC[m].ln = ln;
}

void
putpeg(int n, int m)
{	printf("%5d	trans %4d ", m, n);
	printf("%s:%d\n",
		T_SRC[n].fl, T_SRC[n].ln);
}
#endif

void
settable(void)
{	Trans *T;
	Trans *settr(int, int, int, int, int, char *, int, int, int);

	trans = (Trans ***) emalloc(9*sizeof(Trans **));

	/* proctype 7: no_mail_lost */

	trans[7] = (Trans **) emalloc(14*sizeof(Trans *));

	trans[7][6]	= settr(418,0,5,1,0,".(goto)", 0, 2, 0);
	T = trans[7][5] = settr(417,0,0,0,0,"DO", 0, 2, 0);
	T = T->nxt	= settr(417,0,1,0,0,"DO", 0, 2, 0);
	    T->nxt	= settr(417,0,3,0,0,"DO", 0, 2, 0);
	trans[7][1]	= settr(413,0,10,3,0,"(!((staff_done&&((!(issued[0])||(((status[0]==3)||(status[0]==4))||(status[0]==5)))&&(!(issued[1])||(((status[1]==3)||(status[1]==4))||(status[1]==5)))))))", 1, 2, 0);
	trans[7][2]	= settr(414,0,10,1,0,"goto accept_S9", 0, 2, 0);
	trans[7][3]	= settr(415,0,5,1,0,"(1)", 0, 2, 0);
	trans[7][4]	= settr(416,0,5,1,0,"goto T0_init", 0, 2, 0);
	trans[7][7]	= settr(419,0,10,1,0,"break", 0, 2, 0);
	trans[7][11]	= settr(423,0,10,1,0,".(goto)", 0, 2, 0);
	T = trans[7][10] = settr(422,0,0,0,0,"DO", 0, 2, 0);
	    T->nxt	= settr(422,0,8,0,0,"DO", 0, 2, 0);
	trans[7][8]	= settr(420,0,5,1,0,"(1)", 0, 2, 0);
	trans[7][9]	= settr(421,0,5,1,0,"goto T0_init", 0, 2, 0);
	trans[7][12]	= settr(424,0,13,1,0,"break", 0, 2, 0);
	trans[7][13]	= settr(425,0,0,4,4,"-end-", 0, 3500, 0);

	/* proctype 6: :init: */

	trans[6] = (Trans **) emalloc(21*sizeof(Trans *));

	T = trans[ 6][19] = settr(411,2,0,0,0,"ATOMIC", 0, 2, 0);
	T->nxt	= settr(411,2,1,0,0,"ATOMIC", 0, 2, 0);
	trans[6][1]	= settr(393,2,7,5,5,"i = 1", 0, 2, 0);
	trans[6][8]	= settr(400,2,7,1,0,".(goto)", 0, 2, 0);
	T = trans[6][7] = settr(399,2,0,0,0,"DO", 0, 2, 0);
	T = T->nxt	= settr(399,2,2,0,0,"DO", 0, 2, 0);
	    T->nxt	= settr(399,2,5,0,0,"DO", 0, 2, 0);
	trans[6][2]	= settr(394,2,3,6,0,"((i<=2))", 0, 2, 0);
	trans[6][3]	= settr(395,2,4,7,7,"(run Mailer(i))", 0, 2, 0);
	trans[6][4]	= settr(396,2,7,8,8,"i = (i+1)", 0, 2, 0);
	trans[6][5]	= settr(397,2,10,2,0,"else", 0, 2, 0);
	trans[6][6]	= settr(398,2,10,1,0,"goto :b14", 0, 2, 0); /* m: 10 -> 0,16 */
	reached6[10] = 1;
	trans[6][9]	= settr(401,2,10,1,0,"break", 0, 2, 0);
	trans[6][10]	= settr(402,2,16,9,9,"i = 1", 0, 2, 0);
	trans[6][17]	= settr(409,2,16,1,0,".(goto)", 0, 2, 0);
	T = trans[6][16] = settr(408,2,0,0,0,"DO", 0, 2, 0);
	T = T->nxt	= settr(408,2,11,0,0,"DO", 0, 2, 0);
	    T->nxt	= settr(408,2,14,0,0,"DO", 0, 2, 0);
	trans[6][11]	= settr(403,2,12,10,0,"((i<=2))", 0, 2, 0);
	trans[6][12]	= settr(404,2,13,11,11,"(run Gateway())", 0, 2, 0);
	trans[6][13]	= settr(405,2,16,12,12,"i = (i+1)", 0, 2, 0);
	trans[6][14]	= settr(406,2,15,2,0,"else", 0, 2, 0);
	trans[6][15]	= settr(407,2,18,1,0,"goto :b15", 0, 2, 0);
	trans[6][18]	= settr(410,0,20,1,0,"break", 0, 2, 0);
	trans[6][20]	= settr(412,0,0,13,13,"-end-", 0, 3500, 0);

	/* proctype 5: Gateway */

	trans[5] = (Trans **) emalloc(101*sizeof(Trans *));

	trans[5][98]	= settr(390,0,97,1,0,".(goto)", 0, 2, 0);
	T = trans[5][97] = settr(389,0,0,0,0,"DO", 0, 2, 0);
	T = T->nxt	= settr(389,0,24,0,0,"DO", 0, 2, 0);
	T = T->nxt	= settr(389,0,48,0,0,"DO", 0, 2, 0);
	T = T->nxt	= settr(389,0,72,0,0,"DO", 0, 2, 0);
	    T->nxt	= settr(389,0,96,0,0,"DO", 0, 2, 0);
	T = trans[ 5][24] = settr(316,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(316,2,1,0,0,"ATOMIC", 1, 2, 0);
	trans[5][1]	= settr(293,2,22,14,0,"((link[0]!=0))", 1, 2, 0);
	T = trans[5][22] = settr(314,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(314,2,2,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(314,2,21,0,0,"IF", 1, 2, 0);
	trans[5][2]	= settr(294,2,20,15,15,"(((((((ttype[0]==1)&&(hash[0]==link[0]))&&user_active)&&!(used[0]))&&!(revoked[0]))&&!(expired[0])))", 1, 2, 0); /* m: 3 -> 20,0 */
	reached5[3] = 1;
	trans[5][3]	= settr(0,0,0,0,0,"assert((consumed[0]==0))",0,0,0);
	trans[5][4]	= settr(0,0,0,0,0,"assert(((!(revoked[0])&&!(expired[0]))&&(ttype[0]==1)))",0,0,0);
	trans[5][5]	= settr(0,0,0,0,0,"used[0] = 1",0,0,0);
	trans[5][6]	= settr(0,0,0,0,0,"consumed[0] = (consumed[0]+1)",0,0,0);
	T = trans[ 5][20] = settr(312,0,0,0,0,"sub-sequence", 1, 2, 0);
	T->nxt	= settr(312,0,7,0,0,"sub-sequence", 1, 2, 0);
	trans[5][7]	= settr(299,2,17,16,16,"i = 0", 1, 2, 0);
	trans[5][18]	= settr(310,2,17,1,0,".(goto)", 1, 2, 0);
	T = trans[5][17] = settr(309,2,0,0,0,"DO", 1, 2, 0);
	T = T->nxt	= settr(309,2,8,0,0,"DO", 1, 2, 0);
	    T->nxt	= settr(309,2,15,0,0,"DO", 1, 2, 0);
	trans[5][8]	= settr(300,2,12,17,0,"((i<=(2-1)))", 1, 2, 0);
	T = trans[5][12] = settr(304,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(304,2,9,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(304,2,11,0,0,"IF", 1, 2, 0);
	trans[5][9]	= settr(301,2,17,18,18,"(((issued[i]&&!(used[i]))&&!(revoked[i])))", 1, 2, 0); /* m: 10 -> 17,0 */
	reached5[10] = 1;
	trans[5][10]	= settr(0,0,0,0,0,"revoked[i] = 1",0,0,0);
	trans[5][13]	= settr(305,2,14,1,0,".(goto)", 1, 2, 0); /* m: 14 -> 0,17 */
	reached5[14] = 1;
	trans[5][11]	= settr(303,2,14,2,0,"else", 1, 2, 0);
	trans[5][14]	= settr(306,2,17,19,19,"i = (i+1)", 1, 2, 0);
	trans[5][15]	= settr(307,2,19,2,0,"else", 1, 2, 0);
	trans[5][16]	= settr(308,2,19,1,0,"goto :b10", 1, 2, 0);
	trans[5][19]	= settr(311,2,23,1,0,"break", 1, 2, 0);
	trans[5][23]	= settr(315,0,97,1,0,".(goto)", 1, 2, 0);
	trans[5][21]	= settr(313,2,23,2,0,"else", 1, 2, 0);
	T = trans[ 5][48] = settr(340,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(340,2,25,0,0,"ATOMIC", 1, 2, 0);
	trans[5][25]	= settr(317,2,46,20,0,"((link[0]!=0))", 1, 2, 0);
	T = trans[5][46] = settr(338,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(338,2,26,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(338,2,45,0,0,"IF", 1, 2, 0);
	trans[5][26]	= settr(318,2,44,21,21,"(((((((ttype[0]==2)&&(hash[0]==link[0]))&&user_active)&&!(used[0]))&&!(revoked[0]))&&!(expired[0])))", 1, 2, 0); /* m: 27 -> 44,0 */
	reached5[27] = 1;
	trans[5][27]	= settr(0,0,0,0,0,"assert((consumed[0]==0))",0,0,0);
	trans[5][28]	= settr(0,0,0,0,0,"assert(((!(revoked[0])&&!(expired[0]))&&(ttype[0]==2)))",0,0,0);
	trans[5][29]	= settr(0,0,0,0,0,"used[0] = 1",0,0,0);
	trans[5][30]	= settr(0,0,0,0,0,"consumed[0] = (consumed[0]+1)",0,0,0);
	T = trans[ 5][44] = settr(336,0,0,0,0,"sub-sequence", 1, 2, 0);
	T->nxt	= settr(336,0,31,0,0,"sub-sequence", 1, 2, 0);
	trans[5][31]	= settr(323,2,41,22,22,"i = 0", 1, 2, 0);
	trans[5][42]	= settr(334,2,41,1,0,".(goto)", 1, 2, 0);
	T = trans[5][41] = settr(333,2,0,0,0,"DO", 1, 2, 0);
	T = T->nxt	= settr(333,2,32,0,0,"DO", 1, 2, 0);
	    T->nxt	= settr(333,2,39,0,0,"DO", 1, 2, 0);
	trans[5][32]	= settr(324,2,36,23,0,"((i<=(2-1)))", 1, 2, 0);
	T = trans[5][36] = settr(328,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(328,2,33,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(328,2,35,0,0,"IF", 1, 2, 0);
	trans[5][33]	= settr(325,2,41,24,24,"(((issued[i]&&!(used[i]))&&!(revoked[i])))", 1, 2, 0); /* m: 34 -> 41,0 */
	reached5[34] = 1;
	trans[5][34]	= settr(0,0,0,0,0,"revoked[i] = 1",0,0,0);
	trans[5][37]	= settr(329,2,38,1,0,".(goto)", 1, 2, 0); /* m: 38 -> 0,41 */
	reached5[38] = 1;
	trans[5][35]	= settr(327,2,38,2,0,"else", 1, 2, 0);
	trans[5][38]	= settr(330,2,41,25,25,"i = (i+1)", 1, 2, 0);
	trans[5][39]	= settr(331,2,43,2,0,"else", 1, 2, 0);
	trans[5][40]	= settr(332,2,43,1,0,"goto :b11", 1, 2, 0);
	trans[5][43]	= settr(335,2,47,1,0,"break", 1, 2, 0);
	trans[5][47]	= settr(339,0,97,1,0,".(goto)", 1, 2, 0);
	trans[5][45]	= settr(337,2,47,2,0,"else", 1, 2, 0);
	T = trans[ 5][72] = settr(364,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(364,2,49,0,0,"ATOMIC", 1, 2, 0);
	trans[5][49]	= settr(341,2,70,26,0,"((link[1]!=0))", 1, 2, 0);
	T = trans[5][70] = settr(362,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(362,2,50,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(362,2,69,0,0,"IF", 1, 2, 0);
	trans[5][50]	= settr(342,2,68,27,27,"(((((((ttype[1]==1)&&(hash[1]==link[1]))&&user_active)&&!(used[1]))&&!(revoked[1]))&&!(expired[1])))", 1, 2, 0); /* m: 51 -> 68,0 */
	reached5[51] = 1;
	trans[5][51]	= settr(0,0,0,0,0,"assert((consumed[1]==0))",0,0,0);
	trans[5][52]	= settr(0,0,0,0,0,"assert(((!(revoked[1])&&!(expired[1]))&&(ttype[1]==1)))",0,0,0);
	trans[5][53]	= settr(0,0,0,0,0,"used[1] = 1",0,0,0);
	trans[5][54]	= settr(0,0,0,0,0,"consumed[1] = (consumed[1]+1)",0,0,0);
	T = trans[ 5][68] = settr(360,0,0,0,0,"sub-sequence", 1, 2, 0);
	T->nxt	= settr(360,0,55,0,0,"sub-sequence", 1, 2, 0);
	trans[5][55]	= settr(347,2,65,28,28,"i = 0", 1, 2, 0);
	trans[5][66]	= settr(358,2,65,1,0,".(goto)", 1, 2, 0);
	T = trans[5][65] = settr(357,2,0,0,0,"DO", 1, 2, 0);
	T = T->nxt	= settr(357,2,56,0,0,"DO", 1, 2, 0);
	    T->nxt	= settr(357,2,63,0,0,"DO", 1, 2, 0);
	trans[5][56]	= settr(348,2,60,29,0,"((i<=(2-1)))", 1, 2, 0);
	T = trans[5][60] = settr(352,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(352,2,57,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(352,2,59,0,0,"IF", 1, 2, 0);
	trans[5][57]	= settr(349,2,65,30,30,"(((issued[i]&&!(used[i]))&&!(revoked[i])))", 1, 2, 0); /* m: 58 -> 65,0 */
	reached5[58] = 1;
	trans[5][58]	= settr(0,0,0,0,0,"revoked[i] = 1",0,0,0);
	trans[5][61]	= settr(353,2,62,1,0,".(goto)", 1, 2, 0); /* m: 62 -> 0,65 */
	reached5[62] = 1;
	trans[5][59]	= settr(351,2,62,2,0,"else", 1, 2, 0);
	trans[5][62]	= settr(354,2,65,31,31,"i = (i+1)", 1, 2, 0);
	trans[5][63]	= settr(355,2,67,2,0,"else", 1, 2, 0);
	trans[5][64]	= settr(356,2,67,1,0,"goto :b12", 1, 2, 0);
	trans[5][67]	= settr(359,2,71,1,0,"break", 1, 2, 0);
	trans[5][71]	= settr(363,0,97,1,0,".(goto)", 1, 2, 0);
	trans[5][69]	= settr(361,2,71,2,0,"else", 1, 2, 0);
	T = trans[ 5][96] = settr(388,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(388,2,73,0,0,"ATOMIC", 1, 2, 0);
	trans[5][73]	= settr(365,2,94,32,0,"((link[1]!=0))", 1, 2, 0);
	T = trans[5][94] = settr(386,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(386,2,74,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(386,2,93,0,0,"IF", 1, 2, 0);
	trans[5][74]	= settr(366,2,92,33,33,"(((((((ttype[1]==2)&&(hash[1]==link[1]))&&user_active)&&!(used[1]))&&!(revoked[1]))&&!(expired[1])))", 1, 2, 0); /* m: 75 -> 92,0 */
	reached5[75] = 1;
	trans[5][75]	= settr(0,0,0,0,0,"assert((consumed[1]==0))",0,0,0);
	trans[5][76]	= settr(0,0,0,0,0,"assert(((!(revoked[1])&&!(expired[1]))&&(ttype[1]==2)))",0,0,0);
	trans[5][77]	= settr(0,0,0,0,0,"used[1] = 1",0,0,0);
	trans[5][78]	= settr(0,0,0,0,0,"consumed[1] = (consumed[1]+1)",0,0,0);
	T = trans[ 5][92] = settr(384,0,0,0,0,"sub-sequence", 1, 2, 0);
	T->nxt	= settr(384,0,79,0,0,"sub-sequence", 1, 2, 0);
	trans[5][79]	= settr(371,2,89,34,34,"i = 0", 1, 2, 0);
	trans[5][90]	= settr(382,2,89,1,0,".(goto)", 1, 2, 0);
	T = trans[5][89] = settr(381,2,0,0,0,"DO", 1, 2, 0);
	T = T->nxt	= settr(381,2,80,0,0,"DO", 1, 2, 0);
	    T->nxt	= settr(381,2,87,0,0,"DO", 1, 2, 0);
	trans[5][80]	= settr(372,2,84,35,0,"((i<=(2-1)))", 1, 2, 0);
	T = trans[5][84] = settr(376,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(376,2,81,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(376,2,83,0,0,"IF", 1, 2, 0);
	trans[5][81]	= settr(373,2,89,36,36,"(((issued[i]&&!(used[i]))&&!(revoked[i])))", 1, 2, 0); /* m: 82 -> 89,0 */
	reached5[82] = 1;
	trans[5][82]	= settr(0,0,0,0,0,"revoked[i] = 1",0,0,0);
	trans[5][85]	= settr(377,2,86,1,0,".(goto)", 1, 2, 0); /* m: 86 -> 0,89 */
	reached5[86] = 1;
	trans[5][83]	= settr(375,2,86,2,0,"else", 1, 2, 0);
	trans[5][86]	= settr(378,2,89,37,37,"i = (i+1)", 1, 2, 0);
	trans[5][87]	= settr(379,2,91,2,0,"else", 1, 2, 0);
	trans[5][88]	= settr(380,2,91,1,0,"goto :b13", 1, 2, 0);
	trans[5][91]	= settr(383,2,95,1,0,"break", 1, 2, 0);
	trans[5][95]	= settr(387,0,97,1,0,".(goto)", 1, 2, 0);
	trans[5][93]	= settr(385,2,95,2,0,"else", 1, 2, 0);
	trans[5][99]	= settr(391,0,100,1,0,"break", 0, 2, 0);
	trans[5][100]	= settr(392,0,0,38,38,"-end-", 0, 3500, 0);

	/* proctype 4: Mailer */

	trans[4] = (Trans **) emalloc(167*sizeof(Trans *));

	trans[4][1]	= settr(127,0,2,39,39,"batch = 0", 0, 2, 0);
	trans[4][2]	= settr(128,0,3,40,40,"midsend[me] = 0", 1, 2, 0);
	trans[4][3]	= settr(129,0,4,41,41,"delivered[me] = 0", 1, 2, 0);
	trans[4][4]	= settr(130,0,163,42,42,"lost[me] = 0", 1, 2, 0);
	trans[4][164]	= settr(290,0,163,1,0,".(goto)", 0, 2, 0);
	T = trans[4][163] = settr(289,0,0,0,0,"DO", 0, 2, 0);
	    T->nxt	= settr(289,0,39,0,0,"DO", 0, 2, 0);
	T = trans[ 4][39] = settr(165,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(165,2,5,0,0,"ATOMIC", 1, 2, 0);
	trans[4][5]	= settr(131,2,36,43,43,"i = 0", 1, 2, 0);
	trans[4][5]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	trans[4][152]	= settr(278,0,159,44,0,"(crash[me])", 1, 2, 0);
	T = trans[ 4][159] = settr(285,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(285,2,153,0,0,"ATOMIC", 1, 2, 0);
	trans[4][153]	= settr(279,2,157,45,45,"crash[me] = 0", 1, 2, 0);
	T = trans[4][157] = settr(283,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(283,2,154,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(283,2,156,0,0,"IF", 1, 2, 0);
	trans[4][154]	= settr(280,0,1,46,46,"((delivered[me]!=0))", 1, 2, 0); /* m: 155 -> 1,0 */
	reached4[155] = 1;
	trans[4][155]	= settr(0,0,0,0,0,"interrupted[(delivered[me]-1)] = (interrupted[(delivered[me]-1)]+1)",0,0,0);
	trans[4][158]	= settr(284,0,1,47,47,".(goto)", 1, 2, 0);
	trans[4][156]	= settr(282,2,158,2,0,"else", 1, 2, 0);
	trans[4][160]	= settr(286,0,1,1,0,"goto restart", 0, 2, 0);
	trans[4][162]	= settr(288,0,163,1,0,".(goto)", 0, 2, 0);
	/* end-escapes */
	trans[4][37]	= settr(163,2,36,1,0,".(goto)", 1, 2, 0);
	T = trans[4][36] = settr(162,2,0,0,0,"DO", 1, 2, 0);
	T = T->nxt	= settr(162,2,6,0,0,"DO", 1, 2, 0);
	    T->nxt	= settr(162,2,34,0,0,"DO", 1, 2, 0);
	trans[4][6]	= settr(132,2,31,48,0,"((i<=(2-1)))", 1, 2, 0);
	trans[4][6]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[4][31] = settr(157,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(157,2,7,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(157,2,30,0,0,"IF", 1, 2, 0);
	trans[4][7]	= settr(133,2,8,49,0,"(((status[i]==1)||((status[i]==2)&&lease_out[i])))", 1, 2, 0);
	trans[4][7]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][8]	= settr(134,2,28,50,50,"attempts[i] = (attempts[i]+1)", 1, 2, 0);
	trans[4][8]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[4][28] = settr(154,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(154,2,9,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(154,2,16,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(154,2,23,0,0,"IF", 1, 2, 0);
	trans[4][9]	= settr(135,2,15,51,0,"((attempts[i]>2))", 1, 2, 0);
	trans[4][9]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[ 4][15] = settr(141,0,0,0,0,"sub-sequence", 1, 2, 0);
	T->nxt	= settr(141,0,10,0,0,"sub-sequence", 1, 2, 0);
	trans[4][10]	= settr(136,2,11,52,0,"assert((final_status[i]==0))", 1, 2, 0);
	trans[4][10]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][11]	= settr(137,2,12,53,53,"status[i] = 4", 1, 2, 0);
	trans[4][11]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][12]	= settr(138,2,13,54,54,"holder[i] = 0", 1, 2, 0);
	trans[4][12]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][13]	= settr(139,2,14,55,55,"lease_out[i] = 0", 1, 2, 0);
	trans[4][13]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][14]	= settr(140,2,33,56,56,"final_status[i] = 4", 1, 2, 0);
	trans[4][14]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][29]	= settr(155,2,33,1,0,".(goto)", 1, 2, 0);
	trans[4][16]	= settr(142,2,22,57,0,"(((attempts[i]<=2)&&!((((issued[i]&&!(used[i]))&&!(revoked[i]))&&!(expired[i])))))", 1, 2, 0);
	trans[4][16]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[ 4][22] = settr(148,0,0,0,0,"sub-sequence", 1, 2, 0);
	T->nxt	= settr(148,0,17,0,0,"sub-sequence", 1, 2, 0);
	trans[4][17]	= settr(143,2,18,58,0,"assert((final_status[i]==0))", 1, 2, 0);
	trans[4][17]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][18]	= settr(144,2,19,59,59,"status[i] = 5", 1, 2, 0);
	trans[4][18]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][19]	= settr(145,2,20,60,60,"holder[i] = 0", 1, 2, 0);
	trans[4][19]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][20]	= settr(146,2,21,61,61,"lease_out[i] = 0", 1, 2, 0);
	trans[4][20]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][21]	= settr(147,2,33,62,62,"final_status[i] = 5", 1, 2, 0);
	trans[4][21]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][23]	= settr(149,2,24,2,0,"else", 1, 2, 0);
	trans[4][23]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][24]	= settr(150,2,25,63,63,"status[i] = 2", 1, 2, 0);
	trans[4][24]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][25]	= settr(151,2,26,64,64,"holder[i] = me", 1, 2, 0);
	trans[4][25]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][26]	= settr(152,2,27,65,65,"lease_out[i] = 0", 1, 2, 0);
	trans[4][26]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][27]	= settr(153,2,33,66,66,"batch = (batch|(1<<i))", 1, 2, 0);
	trans[4][27]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][32]	= settr(158,2,33,1,0,".(goto)", 1, 2, 0);
	trans[4][30]	= settr(156,2,33,2,0,"else", 1, 2, 0);
	trans[4][30]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][33]	= settr(159,2,36,67,67,"i = (i+1)", 1, 2, 0);
	trans[4][33]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][34]	= settr(160,2,35,2,0,"else", 1, 2, 0);
	trans[4][34]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][35]	= settr(161,2,38,1,0,"goto :b7", 1, 2, 0);
	trans[4][35]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][38]	= settr(164,0,40,1,0,"break", 1, 2, 0);
	trans[4][38]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][40]	= settr(166,0,148,68,68,"m = 0", 0, 2, 0);
	trans[4][40]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][149]	= settr(275,0,148,1,0,".(goto)", 0, 2, 0);
	T = trans[4][148] = settr(274,0,0,0,0,"DO", 0, 2, 0);
	T = T->nxt	= settr(274,0,41,0,0,"DO", 0, 2, 0);
	T = T->nxt	= settr(274,0,43,0,0,"DO", 0, 2, 0);
	    T->nxt	= settr(274,0,45,0,0,"DO", 0, 2, 0);
	trans[4][41]	= settr(167,0,151,69,69,"((m==2))", 0, 2, 0);
	trans[4][41]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][42]	= settr(168,0,151,1,0,"goto :b8", 0, 2, 0);
	trans[4][42]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][43]	= settr(169,0,44,70,0,"(((m<2)&&!((batch&(1<<m)))))", 0, 2, 0);
	trans[4][43]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][44]	= settr(170,0,148,71,71,"m = (m+1)", 0, 2, 0);
	trans[4][44]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][45]	= settr(171,0,65,72,0,"(((m<2)&&(batch&(1<<m))))", 0, 2, 0);
	trans[4][45]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[ 4][65] = settr(191,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(191,2,63,0,0,"ATOMIC", 1, 2, 0);
	T = trans[4][63] = settr(189,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(189,2,46,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(189,2,61,0,0,"IF", 1, 2, 0);
	trans[4][46]	= settr(172,2,59,73,0,"(((status[m]==2)&&(holder[m]==me)))", 1, 2, 0);
	trans[4][46]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[4][59] = settr(185,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(185,2,47,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(185,2,51,0,0,"IF", 1, 2, 0);
	trans[4][47]	= settr(173,2,48,74,0,"((((issued[m]&&!(used[m]))&&!(revoked[m]))&&!(expired[m])))", 1, 2, 0);
	trans[4][47]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][48]	= settr(174,2,49,75,75,"lease_out[m] = 0", 1, 2, 0);
	trans[4][48]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][49]	= settr(175,2,50,76,76,"ok = 1", 1, 2, 0);
	trans[4][49]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][50]	= settr(176,2,60,77,77,"midsend[me] = (m+1)", 1, 2, 0);
	trans[4][50]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][60]	= settr(186,2,64,1,0,".(goto)", 1, 2, 0);
	trans[4][51]	= settr(177,2,57,2,0,"else", 1, 2, 0);
	trans[4][51]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[ 4][57] = settr(183,0,0,0,0,"sub-sequence", 1, 2, 0);
	T->nxt	= settr(183,0,52,0,0,"sub-sequence", 1, 2, 0);
	trans[4][52]	= settr(178,2,53,78,0,"assert((final_status[m]==0))", 1, 2, 0);
	trans[4][52]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][53]	= settr(179,2,54,79,79,"status[m] = 5", 1, 2, 0);
	trans[4][53]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][54]	= settr(180,2,55,80,80,"holder[m] = 0", 1, 2, 0);
	trans[4][54]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][55]	= settr(181,2,56,81,81,"lease_out[m] = 0", 1, 2, 0);
	trans[4][55]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][56]	= settr(182,2,58,82,82,"final_status[m] = 5", 1, 2, 0);
	trans[4][56]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][58]	= settr(184,2,60,83,83,"ok = 0", 1, 2, 0);
	trans[4][58]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][64]	= settr(190,0,92,1,0,".(goto)", 1, 2, 0);
	trans[4][61]	= settr(187,2,62,2,0,"else", 1, 2, 0);
	trans[4][61]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][62]	= settr(188,2,64,84,84,"ok = 0", 1, 2, 0);
	trans[4][62]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[4][92] = settr(218,0,0,0,0,"IF", 0, 2, 0);
	T = T->nxt	= settr(218,0,66,0,0,"IF", 0, 2, 0);
	    T->nxt	= settr(218,0,91,0,0,"IF", 0, 2, 0);
	trans[4][66]	= settr(192,0,90,85,0,"(ok)", 0, 2, 0);
	trans[4][66]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[ 4][90] = settr(216,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(216,2,82,0,0,"ATOMIC", 1, 2, 0);
	T = trans[4][82] = settr(208,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(208,2,67,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(208,2,69,0,0,"IF", 1, 2, 0);
	trans[4][67]	= settr(193,2,68,86,0,"(((hash[m]==0)||(hash[m]==me)))", 1, 2, 0);
	trans[4][67]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][68]	= settr(194,2,87,87,87,"hash[m] = me", 1, 2, 0);
	trans[4][68]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][83]	= settr(209,2,87,1,0,".(goto)", 1, 2, 0);
	trans[4][69]	= settr(195,2,70,88,0,"(((hash[m]!=0)&&(hash[m]!=me)))", 1, 2, 0);
	trans[4][69]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][70]	= settr(196,2,79,89,89,"ok = 0", 1, 2, 0);
	trans[4][70]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[4][79] = settr(205,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(205,2,71,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(205,2,78,0,0,"IF", 1, 2, 0);
	trans[4][71]	= settr(197,2,77,90,0,"(((status[m]==2)&&(holder[m]==me)))", 1, 2, 0);
	trans[4][71]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[ 4][77] = settr(203,0,0,0,0,"sub-sequence", 1, 2, 0);
	T->nxt	= settr(203,0,72,0,0,"sub-sequence", 1, 2, 0);
	trans[4][72]	= settr(198,2,73,91,0,"assert((final_status[m]==0))", 1, 2, 0);
	trans[4][72]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][73]	= settr(199,2,74,92,92,"status[m] = 4", 1, 2, 0);
	trans[4][73]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][74]	= settr(200,2,75,93,93,"holder[m] = 0", 1, 2, 0);
	trans[4][74]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][75]	= settr(201,2,76,94,94,"lease_out[m] = 0", 1, 2, 0);
	trans[4][75]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][76]	= settr(202,2,81,95,95,"final_status[m] = 4", 1, 2, 0);
	trans[4][76]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][80]	= settr(206,2,81,1,0,".(goto)", 1, 2, 0);
	trans[4][78]	= settr(204,2,81,2,0,"else", 1, 2, 0);
	trans[4][78]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][81]	= settr(207,2,87,96,96,"midsend[me] = 0", 1, 2, 0);
	trans[4][81]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[4][87] = settr(213,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(213,2,84,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(213,2,86,0,0,"IF", 1, 2, 0);
	trans[4][84]	= settr(210,2,85,97,0,"((first_hash[m]==0))", 1, 2, 0);
	trans[4][84]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][85]	= settr(211,2,88,98,98,"first_hash[m] = hash[m]", 1, 2, 0);
	trans[4][85]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][88]	= settr(214,2,89,1,0,".(goto)", 1, 2, 0);
	trans[4][86]	= settr(212,2,88,2,0,"else", 1, 2, 0);
	trans[4][86]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][89]	= settr(215,0,145,99,0,"assert((hash[m]==first_hash[m]))", 1, 2, 0);
	trans[4][89]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][93]	= settr(219,0,145,1,0,".(goto)", 0, 2, 0);
	trans[4][91]	= settr(217,0,145,2,0,"else", 0, 2, 0);
	trans[4][91]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[4][145] = settr(271,0,0,0,0,"IF", 0, 2, 0);
	T = T->nxt	= settr(271,0,94,0,0,"IF", 0, 2, 0);
	    T->nxt	= settr(271,0,144,0,0,"IF", 0, 2, 0);
	trans[4][94]	= settr(220,0,142,100,100,"(ok)", 0, 2, 0);
	trans[4][94]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[4][142] = settr(268,0,0,0,0,"IF", 0, 2, 0);
	T = T->nxt	= settr(268,0,100,0,0,"IF", 0, 2, 0);
	    T->nxt	= settr(268,0,141,0,0,"IF", 0, 2, 0);
	T = trans[ 4][100] = settr(226,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(226,2,95,0,0,"ATOMIC", 1, 2, 0);
	trans[4][95]	= settr(221,2,96,101,0,"assert((((status[m]==2)&&(holder[m]==me))||lost[me]))", 1, 2, 0);
	trans[4][95]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][96]	= settr(222,2,97,102,102,"sends[m] = (sends[m]+1)", 1, 2, 0);
	trans[4][96]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][97]	= settr(223,2,98,103,103,"link[m] = me", 1, 2, 0);
	trans[4][97]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][98]	= settr(224,2,99,104,104,"delivered[me] = (m+1)", 1, 2, 0);
	trans[4][98]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][99]	= settr(225,0,114,105,0,"assert((sends[m]<=(1+interrupted[m])))", 1, 2, 0);
	trans[4][99]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[ 4][114] = settr(240,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(240,2,109,0,0,"ATOMIC", 1, 2, 0);
	T = trans[4][109] = settr(235,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(235,2,101,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(235,2,108,0,0,"IF", 1, 2, 0);
	trans[4][101]	= settr(227,2,107,106,0,"(((status[m]==2)&&(holder[m]==me)))", 1, 2, 0);
	trans[4][101]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[ 4][107] = settr(233,0,0,0,0,"sub-sequence", 1, 2, 0);
	T->nxt	= settr(233,0,102,0,0,"sub-sequence", 1, 2, 0);
	trans[4][102]	= settr(228,2,103,107,0,"assert((final_status[m]==0))", 1, 2, 0);
	trans[4][102]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][103]	= settr(229,2,104,108,108,"status[m] = 3", 1, 2, 0);
	trans[4][103]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][104]	= settr(230,2,105,109,109,"holder[m] = 0", 1, 2, 0);
	trans[4][104]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][105]	= settr(231,2,106,110,110,"lease_out[m] = 0", 1, 2, 0);
	trans[4][105]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][106]	= settr(232,2,111,111,111,"final_status[m] = 3", 1, 2, 0);
	trans[4][106]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][110]	= settr(236,2,111,1,0,".(goto)", 1, 2, 0);
	trans[4][108]	= settr(234,2,111,2,0,"else", 1, 2, 0);
	trans[4][108]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][111]	= settr(237,2,112,112,112,"midsend[me] = 0", 1, 2, 0);
	trans[4][111]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][112]	= settr(238,2,113,113,113,"delivered[me] = 0", 1, 2, 0);
	trans[4][112]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][113]	= settr(239,0,147,114,114,"lost[me] = 0", 1, 2, 0);
	trans[4][113]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][143]	= settr(269,0,147,1,0,".(goto)", 0, 2, 0);
	T = trans[ 4][141] = settr(267,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(267,2,137,0,0,"ATOMIC", 1, 2, 0);
	T = trans[4][137] = settr(263,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(263,2,115,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(263,2,136,0,0,"IF", 1, 2, 0);
	trans[4][115]	= settr(241,2,134,115,0,"(((status[m]==2)&&(holder[m]==me)))", 1, 2, 0);
	trans[4][115]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[4][134] = settr(260,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(260,2,116,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(260,2,123,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(260,2,127,0,0,"IF", 1, 2, 0);
	trans[4][116]	= settr(242,2,122,116,0,"((attempts[m]>=2))", 1, 2, 0);
	trans[4][116]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[ 4][122] = settr(248,0,0,0,0,"sub-sequence", 1, 2, 0);
	T->nxt	= settr(248,0,117,0,0,"sub-sequence", 1, 2, 0);
	trans[4][117]	= settr(243,2,118,117,0,"assert((final_status[m]==0))", 1, 2, 0);
	trans[4][117]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][118]	= settr(244,2,119,118,118,"status[m] = 4", 1, 2, 0);
	trans[4][118]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][119]	= settr(245,2,120,119,119,"holder[m] = 0", 1, 2, 0);
	trans[4][119]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][120]	= settr(246,2,121,120,120,"lease_out[m] = 0", 1, 2, 0);
	trans[4][120]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][121]	= settr(247,2,139,121,121,"final_status[m] = 4", 1, 2, 0);
	trans[4][121]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][135]	= settr(261,2,139,1,0,".(goto)", 1, 2, 0);
	trans[4][123]	= settr(249,2,124,122,0,"((attempts[m]<2))", 1, 2, 0);
	trans[4][123]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][124]	= settr(250,2,125,123,123,"status[m] = 1", 1, 2, 0);
	trans[4][124]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][125]	= settr(251,2,126,124,124,"holder[m] = 0", 1, 2, 0);
	trans[4][125]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][126]	= settr(252,2,139,125,125,"lease_out[m] = 0", 1, 2, 0);
	trans[4][126]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][127]	= settr(253,2,133,126,0,"((attempts[m]<2))", 1, 2, 0);
	trans[4][127]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	T = trans[ 4][133] = settr(259,0,0,0,0,"sub-sequence", 1, 2, 0);
	T->nxt	= settr(259,0,128,0,0,"sub-sequence", 1, 2, 0);
	trans[4][128]	= settr(254,2,129,127,0,"assert((final_status[m]==0))", 1, 2, 0);
	trans[4][128]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][129]	= settr(255,2,130,128,128,"status[m] = 4", 1, 2, 0);
	trans[4][129]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][130]	= settr(256,2,131,129,129,"holder[m] = 0", 1, 2, 0);
	trans[4][130]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][131]	= settr(257,2,132,130,130,"lease_out[m] = 0", 1, 2, 0);
	trans[4][131]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][132]	= settr(258,2,139,131,131,"final_status[m] = 4", 1, 2, 0);
	trans[4][132]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][138]	= settr(264,2,139,1,0,".(goto)", 1, 2, 0);
	trans[4][136]	= settr(262,2,139,2,0,"else", 1, 2, 0);
	trans[4][136]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][139]	= settr(265,2,140,132,132,"midsend[me] = 0", 1, 2, 0);
	trans[4][139]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][140]	= settr(266,0,147,133,133,"lost[me] = 0", 1, 2, 0);
	trans[4][140]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][146]	= settr(272,0,147,1,0,".(goto)", 0, 2, 0);
	trans[4][144]	= settr(270,0,147,2,0,"else", 0, 2, 0);
	trans[4][144]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][147]	= settr(273,0,148,134,134,"m = (m+1)", 0, 2, 0);
	trans[4][147]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][150]	= settr(276,0,151,1,0,"break", 0, 2, 0);
	trans[4][150]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][151]	= settr(277,0,163,135,135,"batch = 0", 0, 2, 0);
	trans[4][151]->escp[0] = 152;
	reached4[152] = 1;
	/* escape #0: 152 */
	/* end-escapes */
	trans[4][165]	= settr(291,0,166,1,0,"break", 0, 2, 0);
	trans[4][166]	= settr(292,0,0,136,136,"-end-", 0, 3500, 0);

	/* proctype 3: Crasher */

	trans[3] = (Trans **) emalloc(15*sizeof(Trans *));

	trans[3][12]	= settr(124,0,11,1,0,".(goto)", 0, 2, 0);
	T = trans[3][11] = settr(123,0,0,0,0,"DO", 0, 2, 0);
	T = T->nxt	= settr(123,0,8,0,0,"DO", 0, 2, 0);
	    T->nxt	= settr(123,0,9,0,0,"DO", 0, 2, 0);
	T = trans[ 3][8] = settr(120,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(120,2,1,0,0,"ATOMIC", 1, 2, 0);
	trans[3][1]	= settr(113,2,4,137,0,"((faults<1))", 1, 2, 0);
	T = trans[3][4] = settr(116,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(116,2,2,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(116,2,3,0,0,"IF", 1, 2, 0);
	trans[3][2]	= settr(114,0,11,138,138,"p = 1", 1, 2, 0); /* m: 6 -> 0,11 */
	reached3[6] = 1;
	trans[3][5]	= settr(117,2,6,1,0,".(goto)", 1, 2, 0); /* m: 6 -> 0,11 */
	reached3[6] = 1;
	trans[3][3]	= settr(115,0,11,139,139,"p = 2", 1, 2, 0); /* m: 6 -> 0,11 */
	reached3[6] = 1;
	trans[3][6]	= settr(118,0,11,140,140,"crash[p] = 1", 1, 2, 0); /* m: 7 -> 0,11 */
	reached3[7] = 1;
	trans[3][7]	= settr(0,0,0,0,0,"faults = (faults+1)",0,0,0);
	trans[3][9]	= settr(121,0,14,141,0,"((faults>=1))", 1, 2, 0);
	trans[3][10]	= settr(122,0,14,1,0,"goto :b5", 0, 2, 0);
	trans[3][13]	= settr(125,0,14,1,0,"break", 0, 2, 0);
	trans[3][14]	= settr(126,0,0,142,142,"-end-", 0, 3500, 0);

	/* proctype 2: Monitor */

	trans[2] = (Trans **) emalloc(5*sizeof(Trans *));

	T = trans[ 2][3] = settr(111,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(111,2,1,0,0,"ATOMIC", 1, 2, 0);
	trans[2][1]	= settr(109,4,4,143,143,"((((final_status[0]!=0)&&(status[0]!=final_status[0]))||((final_status[1]!=0)&&(status[1]!=final_status[1]))))", 1, 2, 0); /* m: 2 -> 4,0 */
	reached2[2] = 1;
	trans[2][2]	= settr(0,0,0,0,0,"assert(0)",0,0,0);
	trans[2][4]	= settr(112,0,0,144,144,"-end-", 0, 3500, 0);

	/* proctype 1: Clock */

	trans[1] = (Trans **) emalloc(31*sizeof(Trans *));

	trans[1][28]	= settr(106,0,27,1,0,".(goto)", 0, 2, 0);
	T = trans[1][27] = settr(105,0,0,0,0,"DO", 0, 2, 0);
	T = T->nxt	= settr(105,0,3,0,0,"DO", 0, 2, 0);
	T = T->nxt	= settr(105,0,6,0,0,"DO", 0, 2, 0);
	T = T->nxt	= settr(105,0,16,0,0,"DO", 0, 2, 0);
	    T->nxt	= settr(105,0,26,0,0,"DO", 0, 2, 0);
	T = trans[ 1][3] = settr(81,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(81,2,1,0,0,"ATOMIC", 1, 2, 0);
	trans[1][1]	= settr(79,0,27,145,145,"((issued[0]&&!(expired[0])))", 1, 2, 0); /* m: 2 -> 27,0 */
	reached1[2] = 1;
	trans[1][2]	= settr(0,0,0,0,0,"expired[0] = 1",0,0,0);
	T = trans[ 1][6] = settr(84,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(84,2,4,0,0,"ATOMIC", 1, 2, 0);
	trans[1][4]	= settr(82,0,27,146,146,"((issued[1]&&!(expired[1])))", 1, 2, 0); /* m: 5 -> 27,0 */
	reached1[5] = 1;
	trans[1][5]	= settr(0,0,0,0,0,"expired[1] = 1",0,0,0);
	T = trans[ 1][16] = settr(94,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(94,2,7,0,0,"ATOMIC", 1, 2, 0);
	trans[1][7]	= settr(85,2,13,147,0,"((((status[0]==2)&&!(lease_out[0]))&&((midsend[holder[0]]!=(0+1))||(faults<1))))", 1, 2, 0);
	T = trans[1][13] = settr(91,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(91,2,8,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(91,2,12,0,0,"IF", 1, 2, 0);
	trans[1][8]	= settr(86,0,27,148,148,"((midsend[holder[0]]==(0+1)))", 1, 2, 0); /* m: 9 -> 27,0 */
	reached1[9] = 1;
	trans[1][9]	= settr(0,0,0,0,0,"faults = (faults+1)",0,0,0);
	trans[1][10]	= settr(0,0,0,0,0,"interrupted[0] = (interrupted[0]+1)",0,0,0);
	trans[1][11]	= settr(0,0,0,0,0,"lost[holder[0]] = 1",0,0,0);
	trans[1][14]	= settr(92,0,27,149,149,".(goto)", 1, 2, 0); /* m: 15 -> 0,27 */
	reached1[15] = 1;
	trans[1][12]	= settr(90,2,14,2,0,"else", 1, 2, 0);
	trans[1][15]	= settr(0,0,0,0,0,"lease_out[0] = 1",0,0,0);
	T = trans[ 1][26] = settr(104,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(104,2,17,0,0,"ATOMIC", 1, 2, 0);
	trans[1][17]	= settr(95,2,23,150,0,"((((status[1]==2)&&!(lease_out[1]))&&((midsend[holder[1]]!=(1+1))||(faults<1))))", 1, 2, 0);
	T = trans[1][23] = settr(101,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(101,2,18,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(101,2,22,0,0,"IF", 1, 2, 0);
	trans[1][18]	= settr(96,0,27,151,151,"((midsend[holder[1]]==(1+1)))", 1, 2, 0); /* m: 19 -> 27,0 */
	reached1[19] = 1;
	trans[1][19]	= settr(0,0,0,0,0,"faults = (faults+1)",0,0,0);
	trans[1][20]	= settr(0,0,0,0,0,"interrupted[1] = (interrupted[1]+1)",0,0,0);
	trans[1][21]	= settr(0,0,0,0,0,"lost[holder[1]] = 1",0,0,0);
	trans[1][24]	= settr(102,0,27,152,152,".(goto)", 1, 2, 0); /* m: 25 -> 0,27 */
	reached1[25] = 1;
	trans[1][22]	= settr(100,2,24,2,0,"else", 1, 2, 0);
	trans[1][25]	= settr(0,0,0,0,0,"lease_out[1] = 1",0,0,0);
	trans[1][29]	= settr(107,0,30,1,0,"break", 0, 2, 0);
	trans[1][30]	= settr(108,0,0,153,153,"-end-", 0, 3500, 0);

	/* proctype 0: Staff */

	trans[0] = (Trans **) emalloc(80*sizeof(Trans *));

	T = trans[ 0][18] = settr(17,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(17,2,17,0,0,"ATOMIC", 1, 2, 0);
	T = trans[ 0][17] = settr(16,0,0,0,0,"sub-sequence", 1, 2, 0);
	T->nxt	= settr(16,0,1,0,0,"sub-sequence", 1, 2, 0);
	trans[0][1]	= settr(0,2,11,154,154,"i = 0", 1, 2, 0);
	trans[0][12]	= settr(11,2,11,1,0,".(goto)", 1, 2, 0);
	T = trans[0][11] = settr(10,2,0,0,0,"DO", 1, 2, 0);
	T = T->nxt	= settr(10,2,2,0,0,"DO", 1, 2, 0);
	    T->nxt	= settr(10,2,9,0,0,"DO", 1, 2, 0);
	trans[0][2]	= settr(1,2,6,155,0,"((i<=(2-1)))", 1, 2, 0);
	T = trans[0][6] = settr(5,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(5,2,3,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(5,2,5,0,0,"IF", 1, 2, 0);
	trans[0][3]	= settr(2,2,11,156,156,"((((issued[i]&&(ttype[i]==1))&&!(used[i]))&&!(revoked[i])))", 1, 2, 0); /* m: 4 -> 11,0 */
	reached0[4] = 1;
	trans[0][4]	= settr(0,0,0,0,0,"revoked[i] = 1",0,0,0);
	trans[0][7]	= settr(6,2,8,1,0,".(goto)", 1, 2, 0); /* m: 8 -> 0,11 */
	reached0[8] = 1;
	trans[0][5]	= settr(4,2,8,2,0,"else", 1, 2, 0);
	trans[0][8]	= settr(7,2,11,157,157,"i = (i+1)", 1, 2, 0);
	trans[0][9]	= settr(8,2,14,2,0,"else", 1, 2, 0);
	trans[0][10]	= settr(9,2,14,1,0,"goto :b0", 1, 2, 0); /* m: 14 -> 0,57 */
	reached0[14] = 1;
	trans[0][13]	= settr(12,2,14,1,0,"break", 1, 2, 0);
	trans[0][14]	= settr(13,4,57,158,158,"issued[0] = 1", 1, 2, 0); /* m: 15 -> 0,57 */
	reached0[15] = 1;
	trans[0][15]	= settr(0,0,0,0,0,"ttype[0] = 1",0,0,0);
	trans[0][16]	= settr(0,0,0,0,0,"status[0] = 1",0,0,0);
	T = trans[0][57] = settr(56,0,0,0,0,"IF", 0, 2, 0);
	T = T->nxt	= settr(56,0,36,0,0,"IF", 0, 2, 0);
	T = T->nxt	= settr(56,0,55,0,0,"IF", 0, 2, 0);
	    T->nxt	= settr(56,0,56,0,0,"IF", 0, 2, 0);
	T = trans[ 0][36] = settr(35,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(35,2,35,0,0,"ATOMIC", 1, 2, 0);
	T = trans[ 0][35] = settr(34,0,0,0,0,"sub-sequence", 1, 2, 0);
	T->nxt	= settr(34,0,19,0,0,"sub-sequence", 1, 2, 0);
	trans[0][19]	= settr(18,2,29,159,159,"i = 0", 1, 2, 0);
	trans[0][30]	= settr(29,2,29,1,0,".(goto)", 1, 2, 0);
	T = trans[0][29] = settr(28,2,0,0,0,"DO", 1, 2, 0);
	T = T->nxt	= settr(28,2,20,0,0,"DO", 1, 2, 0);
	    T->nxt	= settr(28,2,27,0,0,"DO", 1, 2, 0);
	trans[0][20]	= settr(19,2,24,160,0,"((i<=(2-1)))", 1, 2, 0);
	T = trans[0][24] = settr(23,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(23,2,21,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(23,2,23,0,0,"IF", 1, 2, 0);
	trans[0][21]	= settr(20,2,29,161,161,"((((issued[i]&&(ttype[i]==1))&&!(used[i]))&&!(revoked[i])))", 1, 2, 0); /* m: 22 -> 29,0 */
	reached0[22] = 1;
	trans[0][22]	= settr(0,0,0,0,0,"revoked[i] = 1",0,0,0);
	trans[0][25]	= settr(24,2,26,1,0,".(goto)", 1, 2, 0); /* m: 26 -> 0,29 */
	reached0[26] = 1;
	trans[0][23]	= settr(22,2,26,2,0,"else", 1, 2, 0);
	trans[0][26]	= settr(25,2,29,162,162,"i = (i+1)", 1, 2, 0);
	trans[0][27]	= settr(26,2,32,2,0,"else", 1, 2, 0);
	trans[0][28]	= settr(27,2,32,1,0,"goto :b1", 1, 2, 0); /* m: 32 -> 0,76 */
	reached0[32] = 1;
	trans[0][31]	= settr(30,2,32,1,0,"break", 1, 2, 0);
	trans[0][32]	= settr(31,0,76,163,163,"issued[1] = 1", 1, 2, 0); /* m: 33 -> 0,76 */
	reached0[33] = 1;
	trans[0][33]	= settr(0,0,0,0,0,"ttype[1] = 1",0,0,0);
	trans[0][34]	= settr(0,0,0,0,0,"status[1] = 1",0,0,0);
	trans[0][58]	= settr(57,0,76,1,0,".(goto)", 0, 2, 0);
	T = trans[ 0][55] = settr(54,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(54,2,37,0,0,"ATOMIC", 1, 2, 0);
	trans[0][37]	= settr(36,2,54,164,0,"(user_active)", 1, 2, 0);
	T = trans[ 0][54] = settr(53,0,0,0,0,"sub-sequence", 1, 2, 0);
	T->nxt	= settr(53,0,38,0,0,"sub-sequence", 1, 2, 0);
	trans[0][38]	= settr(37,2,48,165,165,"i = 0", 1, 2, 0);
	trans[0][49]	= settr(48,2,48,1,0,".(goto)", 1, 2, 0);
	T = trans[0][48] = settr(47,2,0,0,0,"DO", 1, 2, 0);
	T = T->nxt	= settr(47,2,39,0,0,"DO", 1, 2, 0);
	    T->nxt	= settr(47,2,46,0,0,"DO", 1, 2, 0);
	trans[0][39]	= settr(38,2,43,166,0,"((i<=(2-1)))", 1, 2, 0);
	T = trans[0][43] = settr(42,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(42,2,40,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(42,2,42,0,0,"IF", 1, 2, 0);
	trans[0][40]	= settr(39,2,48,167,167,"((((issued[i]&&(ttype[i]==2))&&!(used[i]))&&!(revoked[i])))", 1, 2, 0); /* m: 41 -> 48,0 */
	reached0[41] = 1;
	trans[0][41]	= settr(0,0,0,0,0,"revoked[i] = 1",0,0,0);
	trans[0][44]	= settr(43,2,45,1,0,".(goto)", 1, 2, 0); /* m: 45 -> 0,48 */
	reached0[45] = 1;
	trans[0][42]	= settr(41,2,45,2,0,"else", 1, 2, 0);
	trans[0][45]	= settr(44,2,48,168,168,"i = (i+1)", 1, 2, 0);
	trans[0][46]	= settr(45,2,51,2,0,"else", 1, 2, 0);
	trans[0][47]	= settr(46,2,51,1,0,"goto :b2", 1, 2, 0); /* m: 51 -> 0,76 */
	reached0[51] = 1;
	trans[0][50]	= settr(49,2,51,1,0,"break", 1, 2, 0);
	trans[0][51]	= settr(50,0,76,169,169,"issued[1] = 1", 1, 2, 0); /* m: 52 -> 0,76 */
	reached0[52] = 1;
	trans[0][52]	= settr(0,0,0,0,0,"ttype[1] = 2",0,0,0);
	trans[0][53]	= settr(0,0,0,0,0,"status[1] = 1",0,0,0);
	trans[0][56]	= settr(55,0,76,1,0,"(1)", 0, 2, 0);
	T = trans[0][76] = settr(75,0,0,0,0,"IF", 0, 2, 0);
	T = T->nxt	= settr(75,0,74,0,0,"IF", 0, 2, 0);
	    T->nxt	= settr(75,0,75,0,0,"IF", 0, 2, 0);
	T = trans[ 0][74] = settr(73,2,0,0,0,"ATOMIC", 1, 2, 0);
	T->nxt	= settr(73,2,59,0,0,"ATOMIC", 1, 2, 0);
	trans[0][59]	= settr(58,2,73,170,170,"user_active = 0", 1, 2, 0);
	T = trans[ 0][73] = settr(72,0,0,0,0,"sub-sequence", 1, 2, 0);
	T->nxt	= settr(72,0,60,0,0,"sub-sequence", 1, 2, 0);
	trans[0][60]	= settr(59,2,70,171,171,"i = 0", 1, 2, 0);
	trans[0][71]	= settr(70,2,70,1,0,".(goto)", 1, 2, 0);
	T = trans[0][70] = settr(69,2,0,0,0,"DO", 1, 2, 0);
	T = T->nxt	= settr(69,2,61,0,0,"DO", 1, 2, 0);
	    T->nxt	= settr(69,2,68,0,0,"DO", 1, 2, 0);
	trans[0][61]	= settr(60,2,65,172,0,"((i<=(2-1)))", 1, 2, 0);
	T = trans[0][65] = settr(64,2,0,0,0,"IF", 1, 2, 0);
	T = T->nxt	= settr(64,2,62,0,0,"IF", 1, 2, 0);
	    T->nxt	= settr(64,2,64,0,0,"IF", 1, 2, 0);
	trans[0][62]	= settr(61,2,70,173,173,"(((issued[i]&&!(used[i]))&&!(revoked[i])))", 1, 2, 0); /* m: 63 -> 70,0 */
	reached0[63] = 1;
	trans[0][63]	= settr(0,0,0,0,0,"revoked[i] = 1",0,0,0);
	trans[0][66]	= settr(65,2,67,1,0,".(goto)", 1, 2, 0); /* m: 67 -> 0,70 */
	reached0[67] = 1;
	trans[0][64]	= settr(63,2,67,2,0,"else", 1, 2, 0);
	trans[0][67]	= settr(66,2,70,174,174,"i = (i+1)", 1, 2, 0);
	trans[0][68]	= settr(67,2,69,2,0,"else", 1, 2, 0);
	trans[0][69]	= settr(68,2,72,1,0,"goto :b3", 1, 2, 0);
	trans[0][72]	= settr(71,0,78,1,0,"break", 1, 2, 0);
	trans[0][77]	= settr(76,0,78,1,0,".(goto)", 0, 2, 0);
	trans[0][75]	= settr(74,0,78,1,0,"(1)", 0, 2, 0);
	trans[0][78]	= settr(77,0,79,175,175,"staff_done = 1", 1, 2, 0);
	trans[0][79]	= settr(78,0,0,176,176,"-end-", 0, 3500, 0);
	/* np_ demon: */
	trans[_NP_] = (Trans **) emalloc(3*sizeof(Trans *));
	T = trans[_NP_][0] = settr(9997,0,1,_T5,0,"(np_)", 1,2,0);
	    T->nxt	  = settr(9998,0,0,_T2,0,"(1)",   0,2,0);
	T = trans[_NP_][1] = settr(9999,0,1,_T5,0,"(np_)", 1,2,0);
}

Trans *
settr(	int t_id, int a, int b, int c, int d,
	char *t, int g, int tpe0, int tpe1)
{	Trans *tmp = (Trans *) emalloc(sizeof(Trans));

	tmp->atom  = a&(6|32);	/* only (2|8|32) have meaning */
	if (!g) tmp->atom |= 8;	/* no global references */
	tmp->st    = b;
	tmp->tpe[0] = tpe0;
	tmp->tpe[1] = tpe1;
	tmp->tp    = t;
	tmp->t_id  = t_id;
	tmp->forw  = c;
	tmp->back  = d;
	return tmp;
}

Trans *
cpytr(Trans *a)
{	Trans *tmp = (Trans *) emalloc(sizeof(Trans));

	int i;
	tmp->atom  = a->atom;
	tmp->st    = a->st;
#ifdef HAS_UNLESS
	tmp->e_trans = a->e_trans;
	for (i = 0; i < HAS_UNLESS; i++)
		tmp->escp[i] = a->escp[i];
#endif
	tmp->tpe[0] = a->tpe[0];
	tmp->tpe[1] = a->tpe[1];
	for (i = 0; i < 6; i++)
	{	tmp->qu[i] = a->qu[i];
		tmp->ty[i] = a->ty[i];
	}
	tmp->tp    = (char *) emalloc(strlen(a->tp)+1);
	strcpy(tmp->tp, a->tp);
	tmp->t_id  = a->t_id;
	tmp->forw  = a->forw;
	tmp->back  = a->back;
	return tmp;
}

#ifndef NOREDUCE
int
srinc_set(int n)
{	if (n <= 2) return LOCAL;
	if (n <= 2+  DELTA) return Q_FULL_F; /* 's' or nfull  */
	if (n <= 2+2*DELTA) return Q_EMPT_F; /* 'r' or nempty */
	if (n <= 2+3*DELTA) return Q_EMPT_T; /* empty */
	if (n <= 2+4*DELTA) return Q_FULL_T; /* full  */
	if (n ==   5*DELTA) return GLOBAL;
	if (n ==   6*DELTA) return TIMEOUT_F;
	if (n ==   7*DELTA) return ALPHA_F;
	Uerror("cannot happen srinc_class");
	return BAD;
}
int
srunc(int n, int m)
{	switch(m) {
	case Q_FULL_F: return n-2;
	case Q_EMPT_F: return n-2-DELTA;
	case Q_EMPT_T: return n-2-2*DELTA;
	case Q_FULL_T: return n-2-3*DELTA;
	case ALPHA_F:
	case TIMEOUT_F: return 257; /* non-zero, and > MAXQ */
	}
	Uerror("cannot happen srunc");
	return 0;
}
#endif
int cnt;
#ifdef HAS_UNLESS
int
isthere(Trans *a, int b)
{	Trans *t;
	for (t = a; t; t = t->nxt)
		if (t->t_id == b)
			return 1;
	return 0;
}
#endif
#ifndef NOREDUCE
int
mark_safety(Trans *t) /* for conditional safety */
{	int g = 0, i, j, k;

	if (!t) return 0;
	if (t->qu[0])
		return (t->qu[1])?2:1;	/* marked */

	for (i = 0; i < 2; i++)
	{	j = srinc_set(t->tpe[i]);
		if (j >= GLOBAL && j != ALPHA_F)
			return -1;
		if (j != LOCAL)
		{	k = srunc(t->tpe[i], j);
			if (g == 0
			||  t->qu[0] != k
			||  t->ty[0] != j)
			{	t->qu[g] = k;
				t->ty[g] = j;
				g++;
	}	}	}
	return g;
}
#endif
void
retrans(int n, int m, int is, short srcln[], uchar reach[], uchar lpstate[])
	/* process n, with m states, is=initial state */
{	Trans *T0, *T1, *T2, *T3;
	Trans *T4, *T5; /* t_reverse or has_unless */
	int i;
#if defined(HAS_UNLESS) || !defined(NOREDUCE)
	int k;
#endif
#ifndef NOREDUCE
	int g, h, j, aa;
#endif
#ifdef HAS_UNLESS
	int p;
#endif
	if (state_tables >= 4)
	{	printf("STEP 1 %s\n", 
			procname[n]);
		for (i = 1; i < m; i++)
		for (T0 = trans[n][i]; T0; T0 = T0->nxt)
			crack(n, i, T0, srcln);
		return;
	}
	do {
		for (i = 1, cnt = 0; i < m; i++)
		{	T2 = trans[n][i];
			T1 = T2?T2->nxt:(Trans *)0;
/* prescan: */		for (T0 = T1; T0; T0 = T0->nxt)
/* choice in choice */	{	if (T0->st && trans[n][T0->st]
				&&  trans[n][T0->st]->nxt)
					break;
			}
#if 0
		if (T0)
		printf("\tstate %d / %d: choice in choice\n",
		i, T0->st);
#endif
			if (T0)
			for (T0 = T1; T0; T0 = T0->nxt)
			{	T3 = trans[n][T0->st];
				if (!T3->nxt)
				{	T2->nxt = cpytr(T0);
					T2 = T2->nxt;
					imed(T2, T0->st, n, i);
					continue;
				}
				do {	T3 = T3->nxt;
					T2->nxt = cpytr(T3);
					T2 = T2->nxt;
					imed(T2, T0->st, n, i);
				} while (T3->nxt);
				cnt++;
			}
		}
	} while (cnt);
	if (state_tables >= 3)
	{	printf("STEP 2 %s\n", 
			procname[n]);
		for (i = 1; i < m; i++)
		for (T0 = trans[n][i]; T0; T0 = T0->nxt)
			crack(n, i, T0, srcln);
		return;
	}
	for (i = 1; i < m; i++)
	{	if (trans[n][i] && trans[n][i]->nxt) /* optimize */
		{	T1 = trans[n][i]->nxt;
#if 0
			printf("\t\tpull %d (%d) to %d\n",
			T1->st, T1->forw, i);
#endif
			srcln[i] = srcln[T1->st];	/* Oyvind Teig, 5.2.0 */

			if (!trans[n][T1->st]) continue;
			T0 = cpytr(trans[n][T1->st]);
			trans[n][i] = T0;
			reach[T1->st] = 1;
			imed(T0, T1->st, n, i);
			for (T1 = T1->nxt; T1; T1 = T1->nxt)
			{
#if 0
			printf("\t\tpull %d (%d) to %d\n",
				T1->st, T1->forw, i);
#endif
		/*		srcln[i] = srcln[T1->st];  gh: not useful */
				if (!trans[n][T1->st]) continue;
				T0->nxt = cpytr(trans[n][T1->st]);
				T0 = T0->nxt;
				reach[T1->st] = 1;
				imed(T0, T1->st, n, i);
	}	}	}
	if (state_tables >= 2)
	{	printf("STEP 3 %s\n", 
			procname[n]);
		for (i = 1; i < m; i++)
		for (T0 = trans[n][i]; T0; T0 = T0->nxt)
			crack(n, i, T0, srcln);
		return;
	}
#ifdef HAS_UNLESS
	for (i = 1; i < m; i++)
	{	if (!trans[n][i]) continue;
		/* check for each state i if an
		 * escape to some state p is defined
		 * if so, copy and mark p's transitions
		 * and prepend them to the transition-
		 * list of state i
		 */
	 if (!like_java) /* the default */
	 {	for (T0 = trans[n][i]; T0; T0 = T0->nxt)
		for (k = HAS_UNLESS-1; k >= 0; k--)
		{	if (p = T0->escp[k])
			for (T1 = trans[n][p]; T1; T1 = T1->nxt)
			{	if (isthere(trans[n][i], T1->t_id))
					continue;
				T2 = cpytr(T1);
				T2->e_trans = p;
				T2->nxt = trans[n][i];
				trans[n][i] = T2;
		}	}
	 } else /* outermost unless checked first */
	 {	T4 = T3 = (Trans *) 0;
		for (T0 = trans[n][i]; T0; T0 = T0->nxt)
		for (k = HAS_UNLESS-1; k >= 0; k--)
		{	if (p = T0->escp[k])
			for (T1 = trans[n][p]; T1; T1 = T1->nxt)
			{	if (isthere(trans[n][i], T1->t_id))
					continue;
				T2 = cpytr(T1);
				T2->nxt = (Trans *) 0;
				T2->e_trans = p;
				if (T3)	T3->nxt = T2;
				else	T4 = T2;
				T3 = T2;
		}	}
		if (T4)
		{	T3->nxt = trans[n][i];
			trans[n][i] = T4;
		}
	 }
	}
#endif
#ifndef NOREDUCE
	for (i = 1; i < m; i++)
	{	if (a_cycles)
		{ /* moves through these states are visible */
	#if PROG_LAB>0 && defined(HAS_NP)
			if (progstate[n][i])
				goto degrade;
			for (T1 = trans[n][i]; T1; T1 = T1->nxt)
				if (progstate[n][T1->st])
					goto degrade;
	#endif
			if (accpstate[n][i] || visstate[n][i])
				goto degrade;
			for (T1 = trans[n][i]; T1; T1 = T1->nxt)
				if (accpstate[n][T1->st])
					goto degrade;
		}
		T1 = trans[n][i];
		if (!T1) continue;
		g = mark_safety(T1);	/* V3.3.1 */
		if (g < 0) goto degrade; /* global */
		/* check if mixing of guards preserves reduction */
		if (T1->nxt)
		{	k = 0;
			for (T0 = T1; T0; T0 = T0->nxt)
			{	if (!(T0->atom&8))
					goto degrade;
				for (aa = 0; aa < 2; aa++)
				{	j = srinc_set(T0->tpe[aa]);
					if (j >= GLOBAL && j != ALPHA_F)
						goto degrade;
					if (T0->tpe[aa]
					&&  T0->tpe[aa]
					!=  T1->tpe[0])
						k = 1;
			}	}
			/* g = 0;	V3.3.1 */
			if (k)	/* non-uniform selection */
			for (T0 = T1; T0; T0 = T0->nxt)
			for (aa = 0; aa < 2; aa++)
			{	j = srinc_set(T0->tpe[aa]);
				if (j != LOCAL)
				{	k = srunc(T0->tpe[aa], j);
					for (h = 0; h < 6; h++)
						if (T1->qu[h] == k
						&&  T1->ty[h] == j)
							break;
					if (h >= 6)
					{	T1->qu[g%6] = k;
						T1->ty[g%6] = j;
						g++;
			}	}	}
			if (g > 6)
			{	T1->qu[0] = 0;	/* turn it off */
				printf("pan: warning, line %d, ",
					srcln[i]);
			 	printf("too many stmnt types (%d)",
					g);
			  	printf(" in selection\n");
			  goto degrade;
			}
		}
		/* mark all options global if >=1 is global */
		for (T1 = trans[n][i]; T1; T1 = T1->nxt)
			if (!(T1->atom&8)) break;
		if (T1)
degrade:	for (T1 = trans[n][i]; T1; T1 = T1->nxt)
			T1->atom &= ~8;	/* mark as unsafe */
		/* can only mix 'r's or 's's if on same chan */
		/* and not mixed with other local operations */
		T1 = trans[n][i];
		if (!T1 || T1->qu[0]) continue;
		j = T1->tpe[0];
		if (T1->nxt && T1->atom&8)
		{ if (j == 5*DELTA)
		  {	printf("warning: line %d ", srcln[i]);
			printf("mixed condition ");
			printf("(defeats reduction)\n");
			goto degrade;
		  }
		  for (T0 = T1; T0; T0 = T0->nxt)
		  for (aa = 0; aa < 2; aa++)
		  if  (T0->tpe[aa] && T0->tpe[aa] != j)
		  {	printf("warning: line %d ", srcln[i]);
			printf("[%d-%d] mixed %stion ",
				T0->tpe[aa], j, 
				(j==5*DELTA)?"condi":"selec");
			printf("(defeats reduction)\n");
			printf("	'%s' <-> '%s'\n",
				T1->tp, T0->tp);
			goto degrade;
		} }
	}
#endif
	for (i = 1; i < m; i++)
	{	T2 = trans[n][i];
		if (!T2
		||  T2->nxt
		||  strncmp(T2->tp, ".(goto)", 7)
		||  !stopstate[n][i])
			continue;
		stopstate[n][T2->st] = 1;
	}
	if (state_tables && !verbose)
	{	if (dodot)
		{	char buf[256], *q = buf, *p = procname[n];
			while (*p != '\0')
			{	if (*p != ':')
				{	*q++ = *p;
				}
				p++;
			}
			*q = '\0';
			printf("digraph ");
			switch (Btypes[n]) {
			case I_PROC:  printf("init {\n"); break;
			case N_CLAIM: printf("claim_%s {\n", buf); break;
			case E_TRACE: printf("notrace {\n"); break;
			case N_TRACE: printf("trace {\n"); break;
			default:      printf("p_%s {\n", buf); break;
			}
			printf("size=\"8,10\";\n");
			printf("  GT [shape=box,style=dotted,label=\"%s\"];\n", buf);
			printf("  GT -> S%d;\n", is);
		} else
		{	switch (Btypes[n]) {
			case I_PROC:  printf("init\n"); break;
			case N_CLAIM: printf("claim %s\n", procname[n]); break;
			case E_TRACE: printf("notrace assertion\n"); break;
			case N_TRACE: printf("trace assertion\n"); break;
			default:      printf("proctype %s\n", procname[n]); break;
		}	}
		for (i = 1; i < m; i++)
		{	reach[i] = 1;
		}
		tagtable(n, m, is, srcln, reach);
		if (dodot) printf("}\n");
	} else
	for (i = 1; i < m; i++)
	{	int nrelse;
		if (Btypes[n] != N_CLAIM)
		{	for (T0 = trans[n][i]; T0; T0 = T0->nxt)
			{	if (T0->st == i
				&& strcmp(T0->tp, "(1)") == 0)
				{	printf("error: proctype '%s' ",
						procname[n]);
		  			printf("line %d, state %d: has un",
						srcln[i], i);
					printf("conditional self-loop\n");
					pan_exit(1);
		}	}	}
		nrelse = 0;
		for (T0 = trans[n][i]; T0; T0 = T0->nxt)
		{	if (strcmp(T0->tp, "else") == 0)
				nrelse++;
		}
		if (nrelse > 1)
		{	printf("error: proctype '%s' state",
				procname[n]);
		  	printf(" %d, inherits %d", i, nrelse);
		  	printf(" 'else' stmnts\n");
			pan_exit(1);
	}	}
#if !defined(LOOPSTATE) && !defined(BFS_PAR)
	if (state_tables)
#endif
	do_dfs(n, m, is, srcln, reach, lpstate);

	if (!t_reverse)
	{	return;
	}
	/* process n, with m states, is=initial state -- reverse list */
	if (!state_tables && Btypes[n] != N_CLAIM)
	{	for (i = 1; i < m; i++)
		{	Trans *Tx = (Trans *) 0; /* list of escapes */
			Trans *Ty = (Trans *) 0; /* its tail element */
			T1 = (Trans *) 0; /* reversed list */
			T2 = (Trans *) 0; /* its tail */
			T3 = (Trans *) 0; /* remembers possible 'else' */

			/* find unless-escapes, they should go first */
			T4 = T5 = T0 = trans[n][i];
	#ifdef HAS_UNLESS
			while (T4 && T4->e_trans) /* escapes are first in orig list */
			{	T5 = T4;	  /* remember predecessor */
				T4 = T4->nxt;
			}
	#endif
			/* T4 points to first non-escape, T5 to its parent, T0 to original list */
			if (T4 != T0)		 /* there was at least one escape */
			{	T3 = T5->nxt;		 /* start of non-escapes */
				T5->nxt = (Trans *) 0;	 /* separate */
				Tx = T0;		 /* start of the escapes */
				Ty = T5;		 /* its tail */
				T0 = T3;		 /* the rest, to be reversed */
			}
			/* T0 points to first non-escape, Tx to the list of escapes, Ty to its tail */

			/* first tail-add non-escape transitions, reversed */
			T3 = (Trans *) 0;
			for (T5 = T0; T5; T5 = T4)
			{	T4 = T5->nxt;
	#ifdef HAS_UNLESS
				if (T5->e_trans)
				{	printf("error: cannot happen!\n");
					continue;
				}
	#endif
				if (strcmp(T5->tp, "else") == 0)
				{	T3 = T5;
					T5->nxt = (Trans *) 0;
				} else
				{	T5->nxt = T1;
					if (!T1) { T2 = T5; }
					T1 = T5;
			}	}
			/* T3 points to a possible else, which is removed from the list */
			/* T1 points to the reversed list so far (without escapes) */
			/* T2 points to the tail element -- where the else should go */
			if (T2 && T3)
			{	T2->nxt = T3;	/* add else */
			} else
			{	if (T3) /* there was an else, but there's no tail */
				{	if (!T1)	/* and no reversed list */
					{	T1 = T3; /* odd, but possible */
					} else		/* even stranger */
					{	T1->nxt = T3;
			}	}	}

			/* add in the escapes, to that they appear at the front */
			if (Tx && Ty) { Ty->nxt = T1; T1 = Tx; }

			trans[n][i] = T1;
			/* reversed, with escapes first and else last */
	}	}
	if (state_tables && verbose)
	{	printf("FINAL proctype %s\n", 
			procname[n]);
		for (i = 1; i < m; i++)
		for (T0 = trans[n][i]; T0; T0 = T0->nxt)
			crack(n, i, T0, srcln);
	}
}
void
imed(Trans *T, int v, int n, int j)	/* set intermediate state */
{	progstate[n][T->st] |= progstate[n][v];
	accpstate[n][T->st] |= accpstate[n][v];
	stopstate[n][T->st] |= stopstate[n][v];
	mapstate[n][j] = T->st;
}
void
tagtable(int n, int m, int is, short srcln[], uchar reach[])
{	Trans *z;

	if (is >= m || !trans[n][is]
	||  is <= 0 || reach[is] == 0)
		return;
	reach[is] = 0;
	if (state_tables)
	for (z = trans[n][is]; z; z = z->nxt)
	{	if (dodot)
			dot_crack(n, is, z);
		else
			crack(n, is, z, srcln);
	}

	for (z = trans[n][is]; z; z = z->nxt)
	{
#ifdef HAS_UNLESS
		int i, j;
#endif
		tagtable(n, m, z->st, srcln, reach);
#ifdef HAS_UNLESS
		for (i = 0; i < HAS_UNLESS; i++)
		{	j = trans[n][is]->escp[i];
			if (!j) break;
			tagtable(n, m, j, srcln, reach);
		}
#endif
	}
}

extern Trans *t_id_lkup[];

void
dfs_table(int n, int m, int is, short srcln[], uchar reach[], uchar lpstate[])
{	Trans *z;

	if (is >= m || is <= 0 || !trans[n][is])
		return;
	if ((reach[is] & (4|8|16)) != 0)
	{	if ((reach[is] & (8|16)) == 16)	/* on stack, not yet recorded */
		{	lpstate[is] = 1;
			reach[is] |= 8; /* recorded */
			if (state_tables && verbose)
			{	printf("state %d line %d is a loopstate\n", is, srcln[is]);
		}	}
		return;
	}
	reach[is] |= (4|16);	/* visited | onstack */
	for (z = trans[n][is]; z; z = z->nxt)
	{	t_id_lkup[z->t_id] = z;
#ifdef HAS_UNLESS
		int i, j;
#endif
		dfs_table(n, m, z->st, srcln, reach, lpstate);
#ifdef HAS_UNLESS
		for (i = 0; i < HAS_UNLESS; i++)
		{	j = trans[n][is]->escp[i];
			if (!j) break;
			dfs_table(n, m, j, srcln, reach, lpstate);
		}
#endif
	}
	reach[is] &= ~16; /* no longer on stack */
}
void
do_dfs(int n, int m, int is, short srcln[], uchar reach[], uchar lpstate[])
{	int i;
	dfs_table(n, m, is, srcln, reach, lpstate);
	for (i = 0; i < m; i++)
		reach[i] &= ~(4|8|16);
}
void
crack(int n, int j, Trans *z, short srcln[])
{	int i;

	if (!z) return;
	printf("	state %3d -(tr %3d)-> state %3d  ",
		j, z->forw, z->st);
	printf("[id %3d tp %3d", z->t_id, z->tpe[0]);
	if (z->tpe[1]) printf(",%d", z->tpe[1]);
#ifdef HAS_UNLESS
	if (z->e_trans)
		printf(" org %3d", z->e_trans);
	else if (state_tables >= 2)
	for (i = 0; i < HAS_UNLESS; i++)
	{	if (!z->escp[i]) break;
		printf(" esc %d", z->escp[i]);
	}
#endif
	printf("]");
	printf(" [%s%s%s%s%s] %s:%d => ",
		z->atom&6?"A":z->atom&32?"D":"-",
		accpstate[n][j]?"a" :"-",
		stopstate[n][j]?"e" : "-",
		progstate[n][j]?"p" : "-",
		z->atom & 8 ?"L":"G",
		PanSource, srcln[j]);
	for (i = 0; z->tp[i]; i++)
		if (z->tp[i] == '\n')
			printf("\\n");
		else
			putchar(z->tp[i]);
	if (verbose && z->qu[0])
	{	printf("\t[");
		for (i = 0; i < 6; i++)
			if (z->qu[i])
				printf("(%d,%d)",
				z->qu[i], z->ty[i]);
		printf("]");
	}
	printf("\n");
	fflush(stdout);
}
/* spin -a m.pml; cc -o pan pan.c; ./pan -D | dot -Tps > foo.ps; ps2pdf foo.ps */
void
dot_crack(int n, int j, Trans *z)
{	int i;

	if (!z) return;
	printf("	S%d -> S%d  [color=black", j, z->st);

	if (z->atom&6) printf(",style=dashed");
	else if (z->atom&32) printf(",style=dotted");
	else if (z->atom&8) printf(",style=solid");
	else printf(",style=bold");

	printf(",label=\"");
	for (i = 0; z->tp[i]; i++)
	{	if (z->tp[i] == '\\'
		&&  z->tp[i+1] == 'n')
		{	i++; printf(" ");
		} else
		{	putchar(z->tp[i]);
	}	}
	printf("\"];\n");
	if (accpstate[n][j]) printf("  S%d [color=red,style=bold];\n", j);
	else if (progstate[n][j]) printf("  S%d [color=green,style=bold];\n", j);
	if (stopstate[n][j]) printf("  S%d [color=blue,style=bold,shape=box];\n", j);
}

#ifdef VAR_RANGES
#define BYTESIZE	32	/* 2^8 : 2^3 = 256:8 = 32 */

typedef struct Vr_Ptr {
	char	*nm;
	uchar	vals[BYTESIZE];
	struct Vr_Ptr *nxt;
} Vr_Ptr;
Vr_Ptr *ranges = (Vr_Ptr *) 0;

void
logval(char *s, int v)
{	Vr_Ptr *tmp;

	if (v<0 || v > 255) return;
	for (tmp = ranges; tmp; tmp = tmp->nxt)
		if (!strcmp(tmp->nm, s))
			goto found;
	tmp = (Vr_Ptr *) emalloc(sizeof(Vr_Ptr));
	tmp->nxt = ranges;
	ranges = tmp;
	tmp->nm = s;
found:
	tmp->vals[(v)/8] |= 1<<((v)%8);
}

void
dumpval(uchar X[], int range)
{	int w, x, i, j = -1;

	for (w = i = 0; w < range; w++)
	for (x = 0; x < 8; x++, i++)
	{
from:		if ((X[w] & (1<<x)))
		{	printf("%d", i);
			j = i;
			goto upto;
	}	}
	return;
	for (w = 0; w < range; w++)
	for (x = 0; x < 8; x++, i++)
	{
upto:		if (!(X[w] & (1<<x)))
		{	if (i-1 == j)
				printf(", ");
			else
				printf("-%d, ", i-1);
			goto from;
	}	}
	if (j >= 0 && j != 255)
		printf("-255");
}

void
dumpranges(void)
{	Vr_Ptr *tmp;
	printf("\nValues assigned within ");
	printf("interval [0..255]:\n");
	for (tmp = ranges; tmp; tmp = tmp->nxt)
	{	printf("\t%s\t: ", tmp->nm);
		dumpval(tmp->vals, BYTESIZE);
		printf("\n");
	}
}
#endif
