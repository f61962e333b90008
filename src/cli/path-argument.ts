/**
 * Commander's parser for an option that names a file, a directory or a database: an empty value
 * (`--db ""`, an unset shell variable) is a usage error naming the option, not a path. SQLite
 * would otherwise open "" as a temporary database, and the message would speak of that.
 */
import { InvalidArgumentError } from 'commander';

export function pathArgument(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('must not be empty (an unset shell variable?)');
  return value;
}
