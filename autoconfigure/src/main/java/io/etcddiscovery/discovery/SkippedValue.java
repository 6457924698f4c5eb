/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.discovery;

import java.time.Instant;

/**
 * The last value in etcd that the cache skipped because it is not a usable instance.
 *
 * @param key the key, control characters escaped and shortened to
 * {@value #MAX_KEY_LENGTH} characters
 * @param modRevision the revision that wrote the value
 * @param reason why it was skipped
 * @param at when it was skipped
 * @author etcd-discovery authors
 */
public record SkippedValue(String key, long modRevision, String reason, Instant at) {

	/**
	 * Longest key shown; longer keys are cut, saying how many characters were left out.
	 */
	public static final int MAX_KEY_LENGTH = 200;

	/**
	 * Return a key as it can be shown in a log line or an endpoint: control characters
	 * escaped, so that a key cannot forge log lines, and at most {@value #MAX_KEY_LENGTH}
	 * characters.
	 * @param key the key
	 * @return the printable key
	 */
	static String printable(String key) {
		int shown = Math.min(key.length(), MAX_KEY_LENGTH);
		if (shown > 0 && shown < key.length() && Character.isHighSurrogate(key.charAt(shown - 1))) {
			// Never cut a character in two.
			shown--;
		}
		StringBuilder printable = new StringBuilder(shown + 32);
		for (int i = 0; i < shown; i++) {
			char c = key.charAt(i);
			if (Character.isISOControl(c)) {
				printable.append("\\u%04x".formatted((int) c));
			}
			else {
				printable.append(c);
			}
		}
		if (key.length() > shown) {
			printable.append("...(").append(key.length() - shown).append(" more characters)");
		}
		return printable.toString();
	}

}
