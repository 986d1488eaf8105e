// Folder uploads as groups (docs/api.md, "Groups"): the files of one dropped or chosen folder share
// one id in their keys (owner/…/<id>/photos/2024/a.jpg), so the folder keeps its tree under one id.
// The first file of a folder to be created founds the group; the server's answer carries its
// groupId, which the folder's other files send with their creates.

/** One folder's files: their creates share the group id the first one was given. */
export class UploadGroup {
  /** The signed group id, once the first file's create has answered it. */
  id = null;
  /** While the founding create is in flight: the others wait for its id. */
  #founding = null;

  /**
   * Creates one file's upload in the group: the first to come founds it (without a group id); the
   * others wait for that create and send its id. A failed founding lets the next file found it.
   * @param {(groupId: string | undefined) => Promise<{groupId?: string}>} createUpload
   */
  async create(createUpload) {
    while (this.#founding) await this.#founding;
    if (this.id) return createUpload(this.id);
    let founded;
    this.#founding = new Promise((resolve) => {
      founded = resolve;
    });
    try {
      const created = await createUpload(undefined);
      this.id = created.groupId ?? null;
      return created;
    } finally {
      this.#founding = null;
      founded();
    }
  }
}

/** The groups of a page: one per top folder of each drop or folder choice. */
export class UploadGroups {
  #batch = 0;
  #groups = new Map();

  /** A new drop or folder choice: a folder of the same name added again is a new group (and a new id). */
  nextBatch() {
    this.#batch += 1;
  }

  /** The group of a file by the path it is uploaded as ("photos/2024/a.jpg"), or null for a file of its own. */
  of(path) {
    const slash = path.indexOf('/');
    if (slash <= 0) return null;
    const key = `${this.#batch}/${path.slice(0, slash)}`;
    let group = this.#groups.get(key);
    if (!group) this.#groups.set(key, (group = new UploadGroup()));
    return group;
  }
}
