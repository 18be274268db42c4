-- CreateTable
CREATE TABLE "MatchTermSource" (
    "listingId" TEXT NOT NULL,
    "seq" SERIAL NOT NULL,
    "need" BOOLEAN NOT NULL,
    "organisationId" TEXT NOT NULL,
    "terms" INTEGER[],
    "weights" INTEGER[],
    "listingUpdatedAt" TIMESTAMP(3) NOT NULL,
    "vocabulary" TEXT NOT NULL,

    CONSTRAINT "MatchTermSource_pkey" PRIMARY KEY ("listingId")
);

-- CreateTable
CREATE TABLE "MatchTerm" (
    "need" BOOLEAN NOT NULL,
    "term" INTEGER NOT NULL,
    "weight" SMALLINT NOT NULL,
    "seq" INTEGER NOT NULL,

    CONSTRAINT "MatchTerm_pkey" PRIMARY KEY ("need","term","weight","seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "MatchTermSource_seq_key" ON "MatchTermSource"("seq");
