-- CreateEnum
CREATE TYPE "VerificationStatus" AS ENUM ('UNVERIFIED', 'PENDING', 'VERIFIED', 'REJECTED');

-- CreateEnum
CREATE TYPE "RegistrationKind" AS ENUM ('ENTERPRISE_CODE', 'SCIENCE_TECHNOLOGY_REGISTRATION', 'ESTABLISHMENT_DECISION');

-- AlterEnum
ALTER TYPE "NotificationType" ADD VALUE 'ORGANISATION_VERIFICATION';

-- AlterTable
ALTER TABLE "Organisation" ADD COLUMN     "verificationStatus" "VerificationStatus" NOT NULL DEFAULT 'UNVERIFIED';

-- CreateTable
CREATE TABLE "OrganisationVerification" (
    "id" TEXT NOT NULL,
    "organisationId" TEXT NOT NULL,
    "status" "VerificationStatus" NOT NULL DEFAULT 'PENDING',
    "registrationKind" "RegistrationKind" NOT NULL,
    "registrationNumber" TEXT NOT NULL,
    "registeredName" TEXT NOT NULL,
    "documentKey" TEXT NOT NULL,
    "documentName" TEXT NOT NULL,
    "documentType" TEXT NOT NULL,
    "documentBytes" INTEGER NOT NULL,
    "documentSha256" TEXT NOT NULL,
    "submittedById" TEXT,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "rejectionReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrganisationVerification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "OrganisationVerification_documentKey_key" ON "OrganisationVerification"("documentKey");

-- CreateIndex
CREATE INDEX "OrganisationVerification_organisationId_createdAt_idx" ON "OrganisationVerification"("organisationId", "createdAt");

-- CreateIndex
CREATE INDEX "OrganisationVerification_status_createdAt_idx" ON "OrganisationVerification"("status", "createdAt");

-- CreateIndex
CREATE INDEX "OrganisationVerification_submittedById_idx" ON "OrganisationVerification"("submittedById");

-- CreateIndex
CREATE INDEX "OrganisationVerification_decidedById_idx" ON "OrganisationVerification"("decidedById");

-- AddForeignKey
ALTER TABLE "OrganisationVerification" ADD CONSTRAINT "OrganisationVerification_organisationId_fkey" FOREIGN KEY ("organisationId") REFERENCES "Organisation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationVerification" ADD CONSTRAINT "OrganisationVerification_submittedById_fkey" FOREIGN KEY ("submittedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrganisationVerification" ADD CONSTRAINT "OrganisationVerification_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- Hand-written: organisations verified before this migration keep their badge.
UPDATE "Organisation" SET "verificationStatus" = 'VERIFIED' WHERE "verifiedAt" IS NOT NULL;

-- Hand-written (Prisma's schema language cannot express partial indexes):
-- at most one submission per organisation waits for a broker.
CREATE UNIQUE INDEX "OrganisationVerification_one_pending_per_org" ON "OrganisationVerification"("organisationId") WHERE "status" = 'PENDING';
