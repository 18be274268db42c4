-- AlterTable
ALTER TABLE "Listing" ADD COLUMN     "expiryReminderFor" TIMESTAMP(3);

