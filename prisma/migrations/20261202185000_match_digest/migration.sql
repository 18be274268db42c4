-- AlterEnum
ALTER TYPE "NotificationType" ADD VALUE 'MATCH_DIGEST';

-- AlterTable
ALTER TABLE "Match" ADD COLUMN     "offerNotifiedAt" TIMESTAMP(3),
ADD COLUMN     "requestNotifiedAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "MatchDigest" (
    "id" TEXT NOT NULL,
    "listingId" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "matchCount" INTEGER NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "MatchDigest_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "MatchDigest_organisationId_idx" ON "MatchDigest"("organisationId");

-- CreateIndex
CREATE UNIQUE INDEX "MatchDigest_listingId_day_key" ON "MatchDigest"("listingId", "day");

-- AddForeignKey
ALTER TABLE "MatchDigest" ADD CONSTRAINT "MatchDigest_listingId_fkey" FOREIGN KEY ("listingId") REFERENCES "Listing"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MatchDigest" ADD CONSTRAINT "MatchDigest_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Suggestions made before digests were each notified when created: none is pending.
UPDATE "Match" SET "requestNotifiedAt" = "createdAt", "offerNotifiedAt" = "createdAt";
